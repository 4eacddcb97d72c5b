import type { DiskFacts } from '../../../profiles/facts.js';
import { diskExclusion, selectDisks, type DiskMatch } from '../../../profiles/rules/select.js';
import { GLOB_PATTERN } from '../../../core/schema-helpers.js';

const GLOB = new RegExp(GLOB_PATTERN);

/** Disks the operator may choose: every disk but the boot medium and read-only ones, in the facts' order. */
export function eligibleDisks(disks: readonly DiskFacts[]): DiskFacts[] {
  return disks.filter((d) => diskExclusion(d) === undefined);
}

/** Characters a selector glob would read as pattern: a serial holding one is matched through a class. */
const GLOB_CHARS = /[*?[\]]/g;
const literal = (s: string) => s.replace(GLOB_CHARS, (c) => `[${c}]`);

/** One glob over equally long texts: the places where they differ become a class (`ZC1[AB]0ABC`). */
function classGlob(values: string[]): string | undefined {
  const len = values[0]!.length;
  if (values.some((v) => v.length !== len)) return undefined;
  let out = '';
  for (let i = 0; i < len; i++) {
    const chars = [...new Set(values.map((v) => v[i]!))];
    if (chars.length === 1) out += literal(chars[0]!);
    else if (chars.every((c) => /[A-Za-z0-9]/.test(c))) out += `[${chars.sort().join('')}]`;
    else return undefined;
  }
  return out;
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

/**
 * The selector the profile records for the disks the operator chose: the plainest one that
 * matches exactly those disks on this machine (all disks; one serial; a model, bus or serial
 * class the chosen disks share), checked with the same selectDisks the plan uses. Undefined when
 * no single selector tells them apart from the others.
 */
export function diskSelector(chosen: readonly string[], disks: readonly DiskFacts[]): { match: DiskMatch; expect: number } | undefined {
  const picked = disks.filter((d) => chosen.includes(d.name));
  if (picked.length === 0 || picked.length !== chosen.length) return undefined;
  const candidates: DiskMatch[] = [];
  if (
    sameSet(
      chosen,
      eligibleDisks(disks).map((d) => d.name),
    )
  )
    candidates.push({});
  const serials = picked.map((d) => d.serial).filter((s): s is string => s !== undefined && s !== '');
  const models = [...new Set(picked.map((d) => d.model))];
  const transports = [...new Set(picked.map((d) => d.transport))];
  if (serials.length === picked.length) {
    if (picked.length === 1) candidates.push({ serial: literal(serials[0]!) });
    const cls = classGlob(serials);
    if (cls) candidates.push({ serial: cls });
  }
  if (models.length === 1 && models[0]) candidates.push({ model: literal(models[0]) });
  if (transports.length === 1 && transports[0]) candidates.push({ transport: transports[0] });
  if (models.length === 1 && models[0] && transports.length === 1 && transports[0]) candidates.push({ model: literal(models[0]), transport: transports[0] });
  if (picked.length === 1 && picked[0]!.byId[0]) candidates.push({ byId: literal(picked[0]!.byId[0]) });
  for (const match of candidates) {
    // Only selectors the profile schema accepts (a model with a `/` cannot be written as a glob).
    if (!Object.values(match).every((v) => typeof v !== 'string' || GLOB.test(v))) continue;
    const hit = selectDisks(match, disks)
      .filter((c) => c.matched)
      .map((c) => c.device.name);
    if (sameSet(hit, chosen)) return { match, expect: chosen.length };
  }
  return undefined;
}

/** The disks a profile's selector takes on this machine, when it takes exactly `expect` of them. */
export function disksOfSelector(match: DiskMatch, expect: number, disks: readonly DiskFacts[]): string[] | undefined {
  const hit = selectDisks(match, disks)
    .filter((c) => c.matched)
    .map((c) => c.device.name);
  return hit.length === expect ? hit : undefined;
}

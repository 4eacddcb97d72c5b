import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Position } from '../core/errors.js';
import { InputFileError, readRegularFile } from '../core/read-file.js';
import type { Issue } from '../core/issue.js';
import { PROFILE_VERSION } from './schema/profile.js';
import { parseYamlSource, type SourceDoc } from '../core/yaml-source.js';
import { displayPath } from '../core/checked-yaml.js';
import { isPlainObject, mergeProfiles, type PlainObject } from './merge.js';

/** How deep `extends` may chain; deeper is almost surely a mistake and keeps loading bounded. */
export const MAX_EXTENDS_DEPTH = 8;

export interface LoadedProfile {
  file: string;
  /** Merged data, `extends` removed, no defaults yet. */
  data: PlainObject;
  /** Child first, then its parents. */
  chain: SourceDoc[];
  /** Problems that do not stop loading (a file without the right `version`). */
  issues: Issue[];
}

export type LoadResult = { ok: true; profile: LoadedProfile } | { ok: false; issues: Issue[] };

export type ReadText = (file: string) => string;
/** Regular files only, at most MAX_INPUT_FILE_BYTES: /dev/zero or a FIFO fails at once instead of hanging. */
const readUtf8: ReadText = (f) => readRegularFile(f);

function issue(where: Position, path: string, code: string, message: string, hint: string): Issue {
  return { ...where, path, code, message, hint };
}

/** Reads a profile and its `extends` parents, and merges them (child wins); validate.ts then checks the merged data with the one checked-YAML loader (core/checked-yaml.ts). */
export function loadProfile(file: string, read: ReadText = readUtf8): LoadResult {
  const chain: SourceDoc[] = [];
  const versionIssues: Issue[] = [];
  const seen: string[] = [];
  let current = resolve(file);
  let shown = displayPath(current);
  let from: { pos: Position } | undefined;
  for (let depth = 0; ; depth++) {
    if (depth > MAX_EXTENDS_DEPTH) {
      return {
        ok: false,
        issues: [issue(from!.pos, '/extends', 'E_EXTENDS_DEPTH', `extends chain is deeper than ${MAX_EXTENDS_DEPTH} profiles`, 'flatten the chain of parents')],
      };
    }
    let text: string;
    try {
      text = read(current);
    } catch (err) {
      if (err instanceof InputFileError) {
        // Not a regular file, or too large: reported where it was named (the extends line, or the file itself).
        const message = `${from ? 'parent profile' : 'profile'} ${shown} ${err.reason}`;
        return {
          ok: false,
          issues: [issue(from?.pos ?? { file: shown, line: 1, col: 1 }, from ? '/extends' : '', err.code, message, err.hint ?? 'give the path of a YAML file')],
        };
      }
      const code = (err as NodeJS.ErrnoException).code;
      const message = code === 'ENOENT' ? `profile not found: ${shown}` : `cannot read profile ${shown}: ${(err as Error).message}`;
      if (from)
        return {
          ok: false,
          issues: [issue(from.pos, '/extends', 'E_EXTENDS_MISSING', `parent ${message}`, 'extends is a path relative to the profile that names it')],
        };
      return { ok: false, issues: [issue({ file: shown, line: 1, col: 1 }, '', 'E_READ', message, 'check the path and permissions')] };
    }
    const parsed = parseYamlSource(shown, text);
    if (!parsed.ok) return parsed;
    const doc = parsed.doc;
    if (!isPlainObject(doc.data)) {
      const what = doc.data === null || doc.data === undefined ? 'the profile is empty' : 'the profile must be a map of keys';
      return {
        ok: false,
        issues: [issue({ file: shown, line: 1, col: 1 }, '', 'E_PROFILE_SHAPE', what, 'start from one of the examples in profiles/examples/')],
      };
    }
    chain.push(doc);
    seen.push(current);
    // Every file declares the format it is written in, parents included.
    if (doc.data.version !== PROFILE_VERSION) {
      const where = doc.positions.get('/version') ?? { file: shown, line: 1, col: 1 };
      const message =
        doc.data.version === undefined ? "missing required key 'version'" : `version must be ${PROFILE_VERSION}, got ${JSON.stringify(doc.data.version)}`;
      versionIssues.push(issue(where, '/version', 'E_VERSION', message, `every profile file starts with version: ${PROFILE_VERSION}`));
    }
    const parent = doc.data.extends;
    if (parent === undefined) break;
    const pos = doc.positions.get('/extends')!;
    if (typeof parent !== 'string' || parent === '') {
      return {
        ok: false,
        issues: [issue(pos, '/extends', 'E_EXTENDS_TYPE', 'extends must be the path of a parent profile', 'for example extends: base.yaml')],
      };
    }
    const next = resolve(dirname(current), parent);
    if (seen.includes(next)) {
      const cycle = [...seen.slice(seen.indexOf(next)), next].map(displayPath).join(' -> ');
      return {
        ok: false,
        issues: [issue(pos, '/extends', 'E_EXTENDS_CYCLE', `extends cycle: ${cycle}`, 'a profile may not inherit from itself, directly or through others')],
      };
    }
    if (!existsSync(next) && read === readUtf8) {
      return {
        ok: false,
        issues: [
          issue(
            pos,
            '/extends',
            'E_EXTENDS_MISSING',
            `parent profile not found: ${displayPath(next)}`,
            'extends is a path relative to the profile that names it',
          ),
        ],
      };
    }
    from = { pos };
    current = next;
    shown = displayPath(current);
  }
  let data: PlainObject = {};
  for (const doc of [...chain].reverse()) data = mergeProfiles(data, doc.data as PlainObject);
  delete data.extends;
  return { ok: true, profile: { file: chain[0]!.file, data, chain, issues: versionIssues } };
}

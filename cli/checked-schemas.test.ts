import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
import { loadPrecompiled, makeAjv, writePrecompiled } from '../core/ajv.js';
import { INVALID_CASES } from '../test/fixtures/invalid-profiles.js';
import { CHECKED_SCHEMAS } from './checked-schemas.js';

const at = (path: string) => new URL(`../${path}`, import.meta.url);
const yamlFiles = ['profiles/examples', 'test/fixtures/profiles'].flatMap((d) => readdirSync(at(d)).map((f) => `${d}/${f}`));
/** Facts files (JSON is YAML), and one with a wrong value in a disk (below). */
const factsFiles = readdirSync(at('test/fixtures/facts'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => `test/fixtures/facts/${f}`);
/** Valid and invalid data for every schema: each schema sees the others' files too, so errors of every kind come up. */
const SAMPLES: unknown[] = [
  {},
  [],
  'text',
  ...[...yamlFiles, ...factsFiles, 'iso/build.yaml', 'test/fixtures/build/custom-kernel.yaml'].map(
    (f) => parse(readFileSync(at(f), 'utf8'), { logLevel: 'silent' }) as unknown,
  ),
  brokenFacts(),
  ...INVALID_CASES.map((c) => {
    try {
      return parse(c.yaml, { logLevel: 'silent' }) as unknown;
    } catch {
      return undefined;
    }
  }),
];
function brokenFacts(): unknown {
  const facts = JSON.parse(readFileSync(at('test/fixtures/facts/one-disk.json'), 'utf8')) as { disks: Record<string, unknown>[] };
  facts.disks[0]!.size = 'big';
  facts.disks[0]!.unknownField = true;
  return facts;
}
/** Errors as data: the precompiled validator's schemas are JSON copies of the live ones. */
const plain = (v: unknown) => JSON.parse(JSON.stringify(v ?? null)) as unknown;

describe('precompiled ajv validators (what the .deb and dist/ carry) match the schemas', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dv-validators-'));
  const url = pathToFileURL(`${dir}/`);
  writePrecompiled(CHECKED_SCHEMAS, url);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('report the same errors and fill the same defaults as compiling the schema now', () => {
    for (const schema of CHECKED_SCHEMAS) {
      for (const useDefaults of [false, true]) {
        const pre = loadPrecompiled(schema, useDefaults, url)!;
        expect(pre).toBeTypeOf('function');
        const now = makeAjv({ useDefaults }).compile(schema);
        for (const sample of SAMPLES) {
          const a = structuredClone(sample);
          const b = structuredClone(sample);
          expect(pre(a)).toBe(now(b));
          expect(plain(pre.errors)).toEqual(plain(now.errors));
          expect(a).toEqual(b);
        }
      }
    }
  });
  it('are used only for the exact schema they were made from', () => {
    const changed = structuredClone(CHECKED_SCHEMAS[0]!);
    changed.description = `${String(changed.description)} (changed)`;
    expect(loadPrecompiled(changed, false, url)).toBeUndefined();
    expect(loadPrecompiled(CHECKED_SCHEMAS[0]!, false, url)).toBeTypeOf('function');
  });
});

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INVALID_CASES } from '../fixtures/invalid-profiles.js';
import { validateProfile } from '../../profiles/validate.js';

const dir = mkdtempSync(join(tmpdir(), 'debvisor-invalid-'));
beforeAll(() => copyFileSync(new URL('../fixtures/profiles/base.yaml', import.meta.url), join(dir, 'base.yaml')));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('invalid profiles: each reports its key path at its line', () => {
  it('has at least 40 cases', () => expect(INVALID_CASES.length).toBeGreaterThanOrEqual(40));

  INVALID_CASES.forEach((c, n) => {
    it(c.name, () => {
      const name = `case-${n}`;
      const file = join(dir, `${name}.yaml`);
      const body = c.yaml.replace('CASE.yaml', `${name}.yaml`);
      const text = c.standalone ? body : `version: 1\nextends: base.yaml\n${body}`;
      writeFileSync(file, text);
      const markerLine = text.split('\n').findIndex((l) => l.includes('# <-')) + 1;
      const r = validateProfile(file);
      expect(r.ok).toBe(false);
      const hit = r.issues.find((i) => i.path === c.path && (c.code === undefined || i.code === c.code));
      expect(hit, `issues were:\n${r.issues.map((i) => `${i.line}:${i.col} ${i.path} ${i.code} ${i.message}`).join('\n')}`).toBeDefined();
      if (markerLine > 0) expect(hit!.line).toBe(markerLine);
      expect(hit!.file.endsWith(`${name}.yaml`)).toBe(true);
      expect(hit!.col).toBeGreaterThan(0);
      if (c.says) expect(`${hit!.message} ${hit!.hint ?? ''}`).toContain(c.says);
    });
  });
});

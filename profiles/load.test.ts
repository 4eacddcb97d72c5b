import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateProfile } from './validate.js';

// FIFOs must fail at once: each test has a short timeout, and the loader never blocks on one.
const dir = mkdtempSync(join(tmpdir(), 'dv-load-'));
beforeAll(() => {
  execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
  copyFileSync(new URL('../test/fixtures/profiles/base.yaml', import.meta.url), join(dir, 'base.yaml'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loading profiles: regular files only, with a size cap', () => {
  it('a FIFO as the profile is refused, not waited on', { timeout: 5000 }, () => {
    const r = validateProfile(join(dir, 'pipe.yaml'));
    expect(r.ok).toBe(false);
    expect(r.issues[0]).toMatchObject({ code: 'E_NOT_REGULAR', path: '', line: 1 });
    expect(r.issues[0]!.message).toContain('a pipe (FIFO), not a regular file');
  });
  it('a FIFO as the parent is refused at the extends line', { timeout: 5000 }, () => {
    writeFileSync(join(dir, 'child.yaml'), 'version: 1\n# parent\nextends: pipe.yaml\n');
    const r = validateProfile(join(dir, 'child.yaml'));
    expect(r.issues[0]).toMatchObject({ code: 'E_NOT_REGULAR', path: '/extends', line: 3, col: 1 });
  });
  it('/dev/zero as the parent is refused without reading it', { timeout: 5000 }, () => {
    writeFileSync(join(dir, 'zero.yaml'), 'version: 1\nextends: /dev/zero\n');
    expect(validateProfile(join(dir, 'zero.yaml')).issues[0]).toMatchObject({ code: 'E_NOT_REGULAR', path: '/extends', line: 2 });
  });
  it('a parent over 1 MiB is refused with its size', () => {
    writeFileSync(join(dir, 'huge.yaml'), `version: 1\n${'#'.repeat(1024 * 1024)}\n`);
    writeFileSync(join(dir, 'small.yaml'), 'version: 1\nextends: huge.yaml\n');
    const r = validateProfile(join(dir, 'small.yaml'));
    expect(r.issues[0]).toMatchObject({ code: 'E_TOO_LARGE', path: '/extends', line: 2 });
    expect(r.issues[0]!.message).toContain('larger than 1024 KiB');
  });
});

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBuildSpec } from './spec.js';
import { loadFirewallFile } from '../overlays/firewall/model-file.js';
import { DebvisorError } from '../core/errors.js';

// The build spec and the firewall model go through the same reader and YAML loader as profiles.
const repo = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'dv-spec-input-'));
beforeAll(() => execFileSync('mkfifo', [join(dir, 'pipe.yaml')]));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function specError(file: string): DebvisorError {
  try {
    loadBuildSpec(file, repo);
  } catch (err) {
    if (err instanceof DebvisorError) return err;
    throw err;
  }
  throw new Error('the spec loaded');
}

describe('hostile build specs and firewall models', () => {
  it('a FIFO build spec is refused at once', { timeout: 5000 }, () => {
    expect(specError(join(dir, 'pipe.yaml')).code).toBe('E_NOT_REGULAR');
  });
  it('a tagged value in the build spec is refused with its position', () => {
    const f = join(dir, 'tagged.yaml');
    writeFileSync(f, readFileSync(join(repo, 'iso/build.yaml'), 'utf8').replace(/^packages:/m, 'packages: !list'));
    const e = specError(f);
    expect(e.details.join('\n')).toMatch(/tagged\.yaml:\d+:1: \/packages: the YAML tag !list is not accepted/);
  });
  it('a FIFO or tagged firewall model is refused', { timeout: 5000 }, () => {
    const fifo = loadFirewallFile(join(dir, 'pipe.yaml'));
    expect(fifo.ok).toBe(false);
    if (!fifo.ok) expect(fifo.issues[0]!.message).toContain('not a regular file');
    const f = join(dir, 'model.yaml');
    writeFileSync(f, 'firewall: !!omap\n  - lockdown: true\n');
    const tagged = loadFirewallFile(f);
    expect(tagged.ok).toBe(false);
    if (!tagged.ok) expect(tagged.issues[0]).toMatchObject({ code: 'E_YAML_TAG', path: '/firewall', line: 1 });
  });
});

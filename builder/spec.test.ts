import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBuildSpec } from './spec.js';
import { DebvisorError } from '../core/errors.js';

const repo = fileURLToPath(new URL('..', import.meta.url));

function errorsOf(text: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'dv-spec-'));
  const f = join(dir, 'build.yaml');
  writeFileSync(f, text);
  try {
    loadBuildSpec(f, repo);
    return [];
  } catch (err) {
    if (!(err instanceof DebvisorError)) throw err;
    return err.details;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const entries = 'boot:\n  entries:\n    - { id: install, label: Install, mode: install }\n';

describe('build spec validation', () => {
  it('the default spec is valid and gets its defaults', () => {
    const { spec } = loadBuildSpec(join(repo, 'iso/build.yaml'), repo);
    expect(spec.suite).toBe('trixie');
    expect(spec.squashfs.compression).toBe('lz4');
    expect(spec.boot.entries.map((e) => e.mode)).toEqual(['install', 'install-serial', 'unattended', 'rescue']);
    expect(spec.outputs).toEqual({ iso: true, netboot: true, sbom: true });
  });
  it('reports shape errors with line and key path', () => {
    const e = errorsOf(`version: 1\nsquashfs:\n  compression: brotli\n${entries}`);
    expect(e.join('\n')).toMatch(
      /build\.yaml:3:3: \/squashfs\/compression: the string 'brotli' is not one of the allowed values \(use one of: lz4, zstd, xz, gzip, lzo\)/,
    );
    expect(errorsOf(`version: 1\nsuitee: trixie\n${entries}`).join()).toMatch(/:2:1: \/suitee: unknown key 'suitee' \(did you mean 'suite'\?\)/);
    expect(errorsOf('version: 1\n').join()).toMatch(/\/boot: missing required key 'boot'/);
  });
  it('reports meaning errors: unknown default, duplicate ids, missing package list or fragment', () => {
    const e = errorsOf(
      'version: 1\npackages: [base, nosuch]\nkernel: { fragment: iso/kernel/none.config }\nboot:\n  default: rescue\n  entries:\n    - { id: a, label: A, mode: install }\n    - { id: a, label: B, mode: rescue }\n',
    ).join('\n');
    expect(e).toMatch(/:5:3: \/boot\/default: no boot entry has the id 'rescue'/);
    expect(e).toMatch(/:8:\d+: \/boot\/entries\/1\/id: entry id 'a' is used twice/);
    expect(e).toMatch(/:2:\d+: \/packages\/1: no package list iso\/packages\/nosuch\.list/);
    expect(e).toMatch(/:3:\d+: \/kernel\/fragment: kernel fragment iso\/kernel\/none\.config does not exist/);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extract, list } from 'tar';
import { bundleName, writeSupportBundle } from './bundle.js';
import { secretValues } from './secrets.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tmp = (p: string) => {
  const d = mkdtempSync(join(tmpdir(), p));
  dirs.push(d);
  return d;
};

describe('the support bundle', () => {
  it('is named by time and hostname, safely', () => {
    expect(bundleName(new Date('2026-11-27T20:15:02.123Z'), 'pve1')).toBe('debvisor-install-20261127T201502Z-pve1.tar.gz');
    expect(bundleName(new Date('2026-11-27T20:15:02Z'), '../x y')).toBe('debvisor-install-20261127T201502Z-.._x_y.tar.gz');
    expect(bundleName(new Date('2026-11-27T20:15:02Z'), '')).toMatch(/-unknown\.tar\.gz$/);
  });

  it('holds the files and the logs, masks every secret once more, and goes to the first directory that takes it', async () => {
    const logDir = tmp('debvisor-bundle-log-');
    writeFileSync(join(logDir, 'install.log'), 'line with hunter2-secret-value inside\n');
    writeFileSync(join(logDir, 'events.jsonl'), '{"message":"fetched https://ops:pw-in-url@deploy.example.com/p.yaml"}\n');
    mkdirSync(join(logDir, 'subdir'));
    const notADir = join(tmp('debvisor-bundle-file-'), 'file');
    writeFileSync(notADir, '');
    const good = tmp('debvisor-bundle-out-');
    const r = await writeSupportBundle(
      {
        time: new Date('2026-11-27T20:15:02Z'),
        hostname: 'pve1',
        logDir,
        files: { 'plan.txt': 'plan\n', 'facts.json': '{"k":"hunter2-secret-value"}' },
        secrets: ['hunter2-secret-value'],
      },
      ['/nonexistent/dir', notADir, good],
    );
    expect(r.path).toBe(join(good, 'debvisor-install-20261127T201502Z-pve1.tar.gz'));
    expect(r.tried.map((t) => t.dir)).toEqual(['/nonexistent/dir', notADir]);
    expect(statSync(r.path).mode & 0o777).toBe(0o600);
    const names: string[] = [];
    await list({ file: r.path, onReadEntry: (e) => void names.push(e.path) });
    expect(names.sort()).toEqual(['facts.json', 'logs/events.jsonl', 'logs/install.log', 'plan.txt']);
    const out = tmp('debvisor-bundle-x-');
    await extract({ file: r.path, cwd: out });
    expect(readFileSync(join(out, 'logs/install.log'), 'utf8')).toBe('line with <redacted> inside\n');
    expect(readFileSync(join(out, 'facts.json'), 'utf8')).toBe('{"k":"<redacted>"}');
    expect(readFileSync(join(out, 'logs/events.jsonl'), 'utf8')).toContain('https://<redacted>@deploy.example.com/p.yaml');
  });

  it('falls back to the temporary directory when no given directory is writable', async () => {
    const r = await writeSupportBundle({ time: new Date(), hostname: `fallback-${process.pid}`, files: { 'a.txt': 'a' }, secrets: [] }, ['/proc']);
    try {
      expect(r.path.startsWith(`${tmpdir()}/`)).toBe(true);
      expect(r.tried[0]!.dir).toBe('/proc');
    } finally {
      rmSync(r.path, { force: true });
    }
  });
});

describe('secretValues', () => {
  it('finds every value the schema marks secret, and nothing else', () => {
    const data = {
      users: { admin: { name: 'ops', passwordHash: '$y$hash', sshKeys: ['ssh-ed25519 AAAA pub'] } },
      dns: { tsig: { name: 'k', secret: 'c2VjcmV0' } },
      install: { progress: { webhook: { url: 'https://h', secret: 'whs-123456' } } },
    };
    expect(secretValues(data).sort()).toEqual(['$y$hash', 'c2VjcmV0', 'whs-123456']);
  });
});

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execa } from 'execa';
import { mkdtempSync, mkdirSync, readdirSync, rmSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateProfile } from '../../profiles/validate.js';
import { renderFiles } from '../../overlays/render.js';
import { writeFileSet, underRoot } from '../../core/fileset.js';
import { detectHostFacts } from '../../core/host-facts.js';

const examples = fileURLToPath(new URL('../../profiles/examples/', import.meta.url));
const NS = `dvchk${process.pid % 100000}`;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'debvisor-fwcheck-'));
  // nft -c checks against a kernel: use an empty namespace so the host's own tables play no part.
  await execa('ip', ['netns', 'add', NS]);
});
afterAll(async () => {
  await execa('ip', ['netns', 'del', NS], { reject: false });
  rmSync(dir, { recursive: true, force: true });
});

describe('rendered files pass the tools that read them', () => {
  for (const f of readdirSync(examples).filter((x) => x.endsWith('.yaml'))) {
    it(`${f}: every file with a check passes it (nft -c), and fail2ban-client -t accepts the jails`, async () => {
      const r = validateProfile(join(examples, f));
      if (!r.ok) throw new Error(JSON.stringify(r.issues));
      const root = join(dir, f);
      mkdirSync(root);
      // This machine's tool versions, so that every check (sshd -t and nginx -t too) runs here.
      const files = renderFiles(r.profile, await detectHostFacts());
      // The writer runs each check on a staged copy before writing (issue 9, point 1); here they run again on the result.
      expect((await writeFileSet(root, files)).unchecked).toEqual([]);
      for (const file of files.filter((x) => x.check)) {
        const argv = file.check!.map((a) => (a === '{}' ? underRoot(root, file.path) : a));
        const res = await execa('ip', ['netns', 'exec', NS, ...argv], { reject: false });
        expect(res.exitCode, `${argv.join(' ')}\n${res.stderr}`).toBe(0);
      }
      // fail2ban reads its whole directory: Debian's stock config plus our action, filter and jails.
      const conf = join(root, 'f2b');
      cpSync('/etc/fail2ban', conf, { recursive: true });
      cpSync(join(root, 'etc/fail2ban'), conf, { recursive: true });
      const t = await execa('fail2ban-client', ['-c', conf, '-t'], { reject: false });
      expect(t.exitCode, t.stderr + t.stdout).toBe(0);
      expect(t.stdout + t.stderr).toContain('OK: configuration test is successful');
    });
  }
});

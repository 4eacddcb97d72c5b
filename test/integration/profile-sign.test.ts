import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { signProfile, verifyProfileSignature } from '../../profiles/signature.js';
import type { HardwareFacts } from '../../profiles/facts.js';
import { runUnattended } from '../../installer/unattended/run-unattended.js';

/** Real ssh-keygen keys: a signer the image allows, and one it does not. */
let dir: string;
let allowed: string;
const PROFILE = 'node:\n  hostname: n1\n';

async function keypair(name: string): Promise<string> {
  const key = join(dir, name);
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', key]);
  return key;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'debvisor-sign-'));
  const ops = await keypair('ops');
  await keypair('stranger');
  allowed = join(dir, 'allowed_signers');
  writeFileSync(allowed, `ops@example.org namespaces="debvisor-profile" ${readFileSync(`${ops}.pub`, 'utf8')}`);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('profile signatures (ssh-keygen -Y)', () => {
  it('a profile signed by an allowed key verifies, naming its signer', async () => {
    const p = join(dir, 'good.yaml');
    writeFileSync(p, PROFILE);
    const sig = await signProfile(p, join(dir, 'ops'));
    expect(sig).toBe(`${p}.sig`);
    expect(readFileSync(sig, 'utf8')).toMatch(/^-----BEGIN SSH SIGNATURE-----/);
    await expect(verifyProfileSignature(PROFILE, readFileSync(sig, 'utf8'), allowed, 'test')).resolves.toEqual({ principal: 'ops@example.org' });
  });

  it('refuses an unsigned profile, a changed one, and one signed by another key', async () => {
    await expect(verifyProfileSignature(PROFILE, undefined, allowed, 'stick')).rejects.toThrow(/^stick: the profile is not signed/);
    const p = join(dir, 'p.yaml');
    writeFileSync(p, PROFILE);
    const good = readFileSync(await signProfile(p, join(dir, 'ops')), 'utf8');
    await expect(verifyProfileSignature(`${PROFILE}install: {wipe: true}\n`, good, allowed, 'stick')).rejects.toThrow(
      /the signature does not match the profile/,
    );
    // Signing again replaces the signature (ssh-keygen alone would keep the old one).
    const other = readFileSync(await signProfile(p, join(dir, 'stranger')), 'utf8');
    expect(other).not.toBe(good);
    await expect(verifyProfileSignature(PROFILE, other, allowed, 'stick')).rejects.toThrow(/signed by a key that is not in the allowed signers/);
  });

  it('refuses a signature made for another namespace (a git commit signature, say)', async () => {
    const p = join(dir, 'ns.yaml');
    writeFileSync(p, PROFILE);
    await execa('ssh-keygen', ['-q', '-Y', 'sign', '-f', join(dir, 'ops'), '-n', 'git', p]);
    await expect(verifyProfileSignature(PROFILE, readFileSync(`${p}.sig`, 'utf8'), allowed, 'x')).rejects.toThrow(
      /E_PROFILE_SIGNATURE|not in the allowed signers|does not match/,
    );
  });

  it('the unattended runner on an image with allowed signers: a signed profile goes on to its plan, one signed by another key stops before it', async () => {
    const repo = join(import.meta.dirname, '../..');
    const facts = JSON.parse(readFileSync(join(repo, 'installer/facts/golden/virtio-host.json'), 'utf8')) as HardwareFacts;
    const p = join(dir, 'node.yaml');
    writeFileSync(p, readFileSync(join(repo, 'test/fixtures/profiles/e2e-unattended-nomatch.yaml'), 'utf8'));
    const yaml = readFileSync(p, 'utf8');
    const good = readFileSync(await signProfile(p, join(dir, 'ops')), 'utf8');
    // Same bytes, another file: ssh-keygen does not overwrite an existing .sig.
    const q = join(dir, 'node-copy.yaml');
    writeFileSync(q, yaml);
    const bad = readFileSync(await signProfile(q, join(dir, 'stranger')), 'utf8');
    const attempt = async (signature: string) => {
      let text = '';
      const sub = mkdtempSync(join(dir, 'run-'));
      const ok = await runUnattended({
        consoles: [{ write: (t: string) => (text += t) }],
        eventStreams: [],
        dryRun: true,
        finishAction: false,
        allowedSigners: allowed,
        runDir: sub,
        logDir: join(sub, 'log'),
        bundleDirs: [sub],
        gather: async () => facts,
        effects: {
          cmdline: () => 'debvisor.mode=unattended',
          readFile: (f) => ({ '/run/live/medium/debvisor/profile.yaml': yaml, '/run/live/medium/debvisor/profile.yaml.sig': signature })[f],
          findLabel: async () => undefined,
          withReadOnlyMount: async () => {
            throw new Error('none');
          },
          dhcpUrl: () => undefined,
          factsJson: async () => '{}',
          fetch: async () => {
            throw new Error('none');
          },
        },
      });
      return { ok, text };
    };
    const signed = await attempt(good);
    expect(signed.text).toContain('profile signed by ops@example.org');
    expect(signed.text).toContain('DebVisor install plan for e2e-node2.lab.example.com');
    const other = await attempt(bad);
    expect(other.ok).toBe(false);
    expect(other.text).toContain(
      'profile embedded in the ISO (/run/live/medium/debvisor/profile.yaml): the profile is signed by a key that is not in the allowed signers',
    );
    expect(other.text).not.toContain('install plan for');
  });
});

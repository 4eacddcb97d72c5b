import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DebvisorError } from '../core/errors.js';
import { run } from '../core/run.js';

/**
 * Profile signatures: OpenSSH's own (`ssh-keygen -Y sign` / `-Y verify`), so the keys an
 * operator already has sign profiles, and an allowed-signers file (ssh-keygen(1), ALLOWED
 * SIGNERS) says whose signatures an image accepts.
 */
export const SIGNATURE_NAMESPACE = 'debvisor-profile';

/** Signs a profile file: writes FILE.sig beside it (ssh-keygen's name). Returns the .sig path. */
export async function signProfile(file: string, key: string): Promise<string> {
  const sig = `${file}.sig`;
  // ssh-keygen asks before overwriting a .sig and, with no terminal to answer, keeps the old one and exits 0.
  rmSync(sig, { force: true });
  await run(['ssh-keygen', '-q', '-Y', 'sign', '-f', key, '-n', SIGNATURE_NAMESPACE, file]);
  if (!existsSync(sig))
    throw new DebvisorError('E_PROFILE_SIGN', `ssh-keygen wrote no ${sig}`, {
      hint: 'check the key (a passphrase needs ssh-agent: give the .pub with the key loaded)',
    });
  return sig;
}

export interface VerifiedSignature {
  principal: string;
}

/**
 * Checks `data` against an armored signature and an allowed-signers file. `source` names the
 * profile's origin in the error. Throws E_PROFILE_SIGNATURE when unsigned or not signed by an
 * allowed key.
 */
export async function verifyProfileSignature(data: string, signature: string | undefined, allowedSigners: string, source: string): Promise<VerifiedSignature> {
  const hint = `sign it with \`debvisor profile sign PROFILE --key KEY\` using a key listed in the image's allowed signers (${allowedSigners})`;
  if (signature === undefined)
    throw new DebvisorError('E_PROFILE_SIGNATURE', `${source}: the profile is not signed, and this image accepts only signed profiles`, { hint });
  const dir = mkdtempSync(join(tmpdir(), 'debvisor-sig-'));
  try {
    const sig = join(dir, 'profile.sig');
    writeFileSync(sig, signature, { mode: 0o600 });
    const who = await run(['ssh-keygen', '-Y', 'find-principals', '-s', sig, '-f', allowedSigners], { allowFailure: true });
    const principal = who.stdout.trim().split('\n')[0];
    if (who.exitCode !== 0 || !principal)
      throw new DebvisorError('E_PROFILE_SIGNATURE', `${source}: the profile is signed by a key that is not in the allowed signers`, { hint });
    const v = await run(['ssh-keygen', '-Y', 'verify', '-f', allowedSigners, '-I', principal, '-n', SIGNATURE_NAMESPACE, '-s', sig], {
      input: data,
      allowFailure: true,
    });
    if (v.exitCode !== 0)
      throw new DebvisorError('E_PROFILE_SIGNATURE', `${source}: the signature does not match the profile (changed after signing, or another namespace)`, {
        hint,
        details: v.stderr.trim().split('\n').slice(-3),
      });
    return { principal };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

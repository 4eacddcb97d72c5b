import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { validateProfile } from '../../profiles/validate.js';
import { redactSecrets, REDACTED } from '../../profiles/redact.js';
import { MIN_PASSPHRASE_LENGTH } from '../../profiles/schema/install.js';
import { loadFactsFile } from '../facts/facts-file.js';
import { planInstall } from './plan-install.js';

/** The installed profile keeps no passphrase, and still plans the same install on the same facts (replayable). */
const base = fileURLToPath(new URL('../../test/fixtures/profiles/', import.meta.url));
const factsDir = fileURLToPath(new URL('../../test/fixtures/facts/', import.meta.url));
const LUKS = 'correct-horse-battery-staple';

function validate(name: string, yaml: string) {
  const file = `${base}${name}.yaml`;
  const r = validateProfile(file, { read: (f) => (f === file ? yaml : readFileSync(f, 'utf8')) });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.profile;
}

describe('encrypted install: the saved profile', () => {
  it('has the passphrase removed and plans the same install again', () => {
    const profile = validate('replay-luks', `version: 1\nextends: base.yaml\ninstall:\n  storage:\n    encryption: { passphrase: ${LUKS}, tpm2: true }\n`);
    const f = loadFactsFile(`${factsDir}one-disk-tpm2.json`);
    if (!f.ok) throw new Error(JSON.stringify(f.issues));
    const plan = planInstall(profile, f.value);
    expect(plan.ok).toBe(true);
    const redacted = redactSecrets(profile);
    expect(stringify(redacted)).not.toContain(LUKS);
    // The marker still has the shape of a passphrase, so the saved profile validates on this key, and plans the same.
    expect(REDACTED.length).toBeGreaterThanOrEqual(MIN_PASSPHRASE_LENGTH);
    const again = validate(
      'replay-luks-saved',
      `version: 1\nextends: base.yaml\n${stringify({ install: { storage: { encryption: redacted.install.storage.encryption } } })}`,
    );
    expect(again.install.storage.encryption?.passphrase).toBe(REDACTED);
    expect(planInstall(again, f.value)).toEqual(plan);
  });
});

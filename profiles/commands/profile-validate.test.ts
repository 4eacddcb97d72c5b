import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import command from './profile-validate.js';

const BASE = fileURLToPath(new URL('../../test/fixtures/profiles/base.yaml', import.meta.url));
const FACTS = fileURLToPath(new URL('../../test/fixtures/facts/one-disk.json', import.meta.url));

function buffer() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

async function validate(positionals: string[], values: Record<string, string | boolean | undefined>) {
  const out = buffer();
  const err = buffer();
  const code = await command.run({ positionals, values, io: { stdout: out.stream, stderr: err.stream } });
  return { code, out: out.text(), err: err.text() };
}

describe('profile validate --facts', () => {
  it("checks a profile against a machine's facts with the plan's hardware rules", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'debvisor-validate-facts-'));
    try {
      const big = join(dir, 'big.yaml');
      writeFileSync(big, `version: 1\nextends: ${BASE}\ninstall:\n  disks:\n    match: { minSize: 2T }\n`);
      // Alone it is valid: the selector is judged only against a machine.
      expect((await validate([big], {})).code).toBe(0);
      const r = await validate([BASE, big], { facts: FACTS });
      expect(r.code).toBe(1);
      expect(r.out).toContain(`${BASE}: valid for ${FACTS}`);
      expect(r.out).toMatch(/big\.yaml:5:5: \/install\/disks\/match: install\.disks\.match matches no disk/);
      const badFacts = join(dir, 'facts.json');
      writeFileSync(badFacts, '{"disks": 3}\n');
      const b = await validate([BASE], { facts: badFacts });
      expect(b.code).toBe(1);
      expect(b.err).toMatch(/facts\.json:1:\d+: \/disks: /);
      expect(b.err).toContain('the facts file is not valid');
      await expect(validate([BASE], { facts: join(dir, 'none.json') })).rejects.toThrow(/no such file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

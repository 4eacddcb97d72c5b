import { describe, it, expect } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findOpenAccepts } from './open-accepts.js';
import { firewallOpenAcceptChecks } from '../audit/checks.js';
import { RULESET_FILE } from './compile.js';

const golden = fileURLToPath(new URL('./golden/', import.meta.url));

describe('issue 9: unconditional inbound accepts are found', () => {
  it('finds none in the rulesets DebVisor compiles from the examples', () => {
    for (const f of ['standalone.nft', 'cluster-init.nft', 'lab-node.nft']) expect(findOpenAccepts(readFileSync(join(golden, f), 'utf8'))).toEqual([]);
  });
  it('finds an accept of everything, or of every port of a protocol, in inbound chains only', () => {
    const text = [
      'table inet debvisor {',
      '\tchain rules_in {',
      '\t\tcounter accept comment "rule 0"',
      '\t\tmeta l4proto tcp counter accept comment "rule 1"',
      '\t\tip saddr 192.0.2.0/24 counter accept comment "rule 2"',
      '\t\ttcp dport 22 counter accept comment "rule 3"',
      '\t\tmeta l4proto icmp counter accept comment "rule 4"',
      '\t}',
      '\tchain group_web_in {',
      '\t\tcounter packets 3 bytes 180 accept comment "group web rule 0" # handle 7',
      '\t}',
      '\tchain rules_out {',
      '\t\tcounter accept comment "rule 5"',
      '\t}',
      '}',
    ].join('\n');
    expect(findOpenAccepts(text).map((x) => `${x.chain}: ${x.rule}`)).toEqual([
      'rules_in: counter accept comment "rule 0"',
      'rules_in: meta l4proto tcp counter accept comment "rule 1"',
      'group_web_in: counter packets 3 bytes 180 accept comment "group web rule 0" # handle 7',
    ]);
  });
  it('makes `debvisor audit` fail the firewall for a root whose ruleset has one', async () => {
    const root = mkdtempSync(join(tmpdir(), 'debvisor-open-accept-'));
    try {
      mkdirSync(join(root, RULESET_FILE, '..'), { recursive: true });
      const good = readFileSync(join(golden, 'standalone.nft'), 'utf8');
      writeFileSync(join(root, RULESET_FILE), good);
      const [pass] = await firewallOpenAcceptChecks({ root, live: false });
      expect(pass).toMatchObject({ id: 'firewall.open-accept', passed: true });
      writeFileSync(join(root, RULESET_FILE), good.replace('\tchain rules_in {\n', '\tchain rules_in {\n\t\tcounter accept comment "rule 0"\n'));
      const [fail] = await firewallOpenAcceptChecks({ root, live: false });
      expect(fail).toMatchObject({ id: 'firewall.open-accept', passed: false, severity: 'critical' });
      expect(fail!.reason).toContain('rules_in: counter accept comment "rule 0"');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { defaultServices } from '../../profiles/firewall/services.js';
import { applyDefaults } from '../../profiles/validate.js';

describe('docs/firewall.md lists every default port', () => {
  const doc = readFileSync(new URL('../../docs/firewall.md', import.meta.url), 'utf8');
  const p = applyDefaults({ version: 1, users: { admin: { name: 'ops' } }, cluster: { role: 'init', name: 'c' } });
  for (const s of defaultServices(p)) {
    it(`${s.name} ${s.proto} ${s.ports}`, () => {
      const row = doc.split('\n').find((l) => l.startsWith(`| ${s.name} |`));
      expect(row, `no table row for ${s.name}`).toBeDefined();
      expect(row).toContain(`| ${s.proto} |`);
      expect(row).toContain(s.ports);
    });
  }
});

import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { confirmFirewall, readPending, firewallPaths, discardPending } from './apply.js';
import { RULESET_FILE } from './compile.js';

let dir: string;
let root: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'debvisor-fwapply-'));
  root = join(dir, 'root');
  mkdirSync(join(root, 'run/debvisor/firewall'), { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const pending = () =>
  writeFileSync(
    join(root, 'run/debvisor/firewall/pending.json'),
    JSON.stringify({ token: 't', appliedAt: new Date().toISOString(), deadline: new Date(Date.now() + 60_000).toISOString() }),
  );

describe('the pending apply state (issue 9, point 17)', () => {
  it('a damaged file is refused with the command that clears it; discard clears it', () => {
    writeFileSync(join(root, 'run/debvisor/firewall/pending.json'), '[1]');
    expect(() => readPending(firewallPaths(root), root)).toThrow(
      expect.objectContaining({ code: 'E_FIREWALL_PENDING_DAMAGED', hint: expect.stringContaining('debvisor firewall rollback --discard --root') }),
    );
    expect(discardPending(root)).toBe(true);
    expect(readPending(firewallPaths(root), root)).toBeUndefined();
  });
  it('confirm writes the ruleset without following a link inside the root (point 14, same class)', async () => {
    pending();
    writeFileSync(join(root, 'run/debvisor/firewall/staged.nft'), 'table inet debvisor {}\n');
    const outside = join(dir, 'outside');
    mkdirSync(join(outside, 'firewall'), { recursive: true });
    writeFileSync(join(outside, 'firewall/ruleset.nft'), 'host\n');
    mkdirSync(join(root, 'etc'));
    symlinkSync(outside, join(root, 'etc/debvisor'));
    await expect(confirmFirewall(root)).rejects.toMatchObject({ code: 'E_ROOT_SYMLINK' });
    expect(readFileSync(join(outside, 'firewall/ruleset.nft'), 'utf8')).toBe('host\n');
    rmSync(join(root, 'etc/debvisor'));
    await confirmFirewall(root);
    expect(readFileSync(join(root, RULESET_FILE), 'utf8')).toBe('table inet debvisor {}\n');
    expect(readdirSync(join(root, 'run/debvisor/firewall'))).toEqual([]);
  });
});

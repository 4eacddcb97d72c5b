import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { profileScreenLines } from './lines.js';
import { INNER } from './look.js';

describe('the profile as the show-profile dialog prints it', () => {
  it('fits every line to the frame, and reads back as exactly the exported profile', () => {
    const profile = {
      version: 1,
      node: { hostname: 'pve1', domain: 'lab.example.com' },
      users: {
        admin: {
          name: 'alice',
          passwordHash: `$6$abcdefghijklmnop$${'x1/Y.'.repeat(17)}z`,
          sshKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEuWckL1NtDTIOYh5bLjRD1Ot+xL7dkjRPIjSUTMVpVa alice@laptop'],
        },
      },
      security: { firewall: { ipsets: { management: ['192.0.2.0/24'] } } },
    };
    const yaml = stringify(profile);
    // What the frame would cut: the exported text has a line wider than the frame.
    expect(yaml.split('\n').some((l) => l.length > INNER)).toBe(true);
    const lines = profileScreenLines(yaml);
    for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(INNER);
    expect(parse(lines.join('\n'))).toEqual(profile);
  });
});

import { describe, expect, it } from 'vitest';
import type { DebvisorError } from '../../core/errors.js';
import { type DiscoverEffects, discoverProfile } from './discover.js';

/** A machine made of a table: files by path, filesystems by label (their files by path). */
function machine(opts: {
  cmdline?: string;
  files?: Record<string, string>;
  labels?: Record<string, { device: string; files: Record<string, string> }>;
  dhcp?: string;
}): DiscoverEffects & { calls: string[] } {
  const calls: string[] = [];
  let mounted: Record<string, string> = {};
  return {
    calls,
    cmdline: () => opts.cmdline ?? 'boot=live debvisor.mode=unattended',
    readFile: (p) => {
      if (p.startsWith('/mnt/')) return mounted[p.slice(4)];
      return opts.files?.[p];
    },
    findLabel: async (l) => opts.labels?.[l]?.device,
    withReadOnlyMount: async (device, use) => {
      calls.push(`mount ro ${device}`);
      mounted = Object.values(opts.labels ?? {}).find((x) => x.device === device)!.files;
      try {
        return use('/mnt');
      } finally {
        mounted = {};
        calls.push(`umount ${device}`);
      }
    },
    dhcpUrl: () => opts.dhcp,
    factsJson: async () => '{"facts":1}',
    fetch: async (url, facts, pin) => {
      calls.push(`fetch ${url} ${facts} pin=${pin}`);
      return { body: `from: ${url}\n`, signature: undefined };
    },
  };
}

const err = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    return e as DebvisorError;
  }
  throw new Error('resolved');
};

describe('profile discovery, in order', () => {
  it('takes the kernel command line first: a path on the medium, then in the live system', async () => {
    const m = machine({
      cmdline: 'debvisor.profile=/debvisor/p.yaml',
      files: { '/run/live/medium/debvisor/p.yaml': 'a: 1\n', '/run/live/medium/debvisor/p.yaml.sig': 'SIG', '/debvisor/p.yaml': 'b\n' },
      labels: { 'DEBVISOR-PROFILE': { device: '/dev/sdb1', files: { '/profile.yaml': 'stick\n' } } },
    });
    const f = await discoverProfile(m);
    expect(f).toEqual({
      source: 'kernel command line debvisor.profile=/debvisor/p.yaml (boot medium /run/live/medium/debvisor/p.yaml)',
      yaml: 'a: 1\n',
      signature: 'SIG',
    });
    expect(m.calls).toEqual([]);
    const live = await discoverProfile(machine({ cmdline: 'debvisor.profile=/etc/debvisor/profile.yaml', files: { '/etc/debvisor/profile.yaml': 'x\n' } }));
    expect(live.source).toContain('live system /etc/debvisor/profile.yaml');
  });

  it('an explicit source that fails is an error naming it, never a fall-through', async () => {
    const m = machine({ cmdline: 'debvisor.profile=/nope.yaml', files: { '/run/live/medium/debvisor/profile.yaml': 'embedded\n' } });
    const e = await err(discoverProfile(m));
    expect(e.code).toBe('E_PROFILE_SOURCE');
    expect(e.message).toMatch(/^kernel command line debvisor.profile=\/nope.yaml: no such file/);
    const l = await err(discoverProfile(machine({ cmdline: 'debvisor.profile=label:STICK' })));
    expect(l.message).toMatch(/no filesystem labelled STICK/);
    expect(l.hint).toMatch(/e2label/);
    const bad = await err(discoverProfile(machine({ cmdline: 'debvisor.profile=http://x/p' })));
    expect(bad.message).toMatch(/^kernel command line: debvisor.profile=http:\/\/x\/p: plain HTTP is refused/);
  });

  it('mounts a labelled filesystem read-only and always unmounts it', async () => {
    const m = machine({ cmdline: 'debvisor.profile=label:STICK:/n1.yaml', labels: { STICK: { device: '/dev/vdb', files: { '/n1.yaml': 'n1\n' } } } });
    const f = await discoverProfile(m);
    expect(f.yaml).toBe('n1\n');
    expect(f.device).toBe('/dev/vdb');
    expect(m.calls).toEqual(['mount ro /dev/vdb', 'umount /dev/vdb']);
    const missing = machine({ cmdline: 'debvisor.profile=label:STICK:/n2.yaml', labels: { STICK: { device: '/dev/vdb', files: {} } } });
    expect((await err(discoverProfile(missing))).message).toMatch(/\(\/dev\/vdb\): no \/n2.yaml on the filesystem labelled STICK/);
    expect(missing.calls).toEqual(['mount ro /dev/vdb', 'umount /dev/vdb']);
  });

  it('POSTs the facts to an https:// source with its pin', async () => {
    const pin = 'cd'.repeat(32);
    const m = machine({ cmdline: `debvisor.profile=https://h:8443/p debvisor.profile.pin=sha256:${pin}` });
    const f = await discoverProfile(m);
    expect(f.source).toBe('kernel command line debvisor.profile=https://h:8443/p');
    expect(m.calls).toEqual([`fetch https://h:8443/p {"facts":1} pin=${pin}`]);
  });

  it('without the command line: the stick, then the embedded profile (medium, then image), then DHCP', async () => {
    const stick = { 'DEBVISOR-PROFILE': { device: '/dev/sdb1', files: { '/profile.yaml': 'stick\n' } } };
    const medium = { '/run/live/medium/debvisor/profile.yaml': 'medium\n', '/etc/debvisor/profile.yaml': 'image\n' };
    expect((await discoverProfile(machine({ labels: stick, files: medium, dhcp: 'https://d/p' }))).yaml).toBe('stick\n');
    expect((await discoverProfile(machine({ files: medium, dhcp: 'https://d/p' }))).source).toBe(
      'profile embedded in the ISO (/run/live/medium/debvisor/profile.yaml)',
    );
    expect((await discoverProfile(machine({ files: { '/etc/debvisor/profile.yaml': 'image\n' } }))).yaml).toBe('image\n');
    const d = machine({ dhcp: 'https://d/p', cmdline: `debvisor.profile.pin=sha256:${'ef'.repeat(32)}` });
    expect((await discoverProfile(d)).source).toBe('URL from DHCP https://d/p');
    expect(d.calls[0]).toContain(`pin=${'ef'.repeat(32)}`);
    expect((await err(discoverProfile(machine({ dhcp: 'http://d/p' })))).message).toMatch(/^URL from DHCP \(http:\/\/d\/p\): plain HTTP is refused/);
    expect((await err(discoverProfile(machine({ dhcp: 'https://u:pw@d/p' })))).message).toMatch(/user or password/);
    expect((await err(discoverProfile(machine({ dhcp: 'https://d/\u001b[2J' })))).message).toMatch(/control characters/);
  });

  it('finding nothing lists every place it looked, in order', async () => {
    const e = await err(discoverProfile(machine({})));
    expect(e.code).toBe('E_PROFILE_NONE');
    expect(e.message).toBe(
      'no profile found; looked, in order, at: kernel command line debvisor.profile=, filesystem labelled DEBVISOR-PROFILE, profile embedded in the ISO, URL from DHCP',
    );
  });
});

import { describe, it, expect, afterEach } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEmitter, memorySink } from '../../core/events.js';
import type { RunOptions, RunResult } from '../../core/run.js';
import { validateProfile } from '../../profiles/validate.js';
import type { HardwareFacts } from '../../profiles/facts.js';
import { loadFactsFile } from '../facts/facts-file.js';
import { planInstall } from '../plan/plan-install.js';
import type { InstallPlan } from '../plan/types.js';
import { applyPlan, targetRefusal } from './apply-plan.js';
import { type ApplyContext, renderInstalledProfile } from './context.js';
import { espDirs, saveProfile } from './steps-system.js';
import { recordGrubEfiImage } from '../../test/fixtures/recording-runner.js';

/**
 * The executor's step sequence, recorded: every command each step runs (argv, golden) and the
 * files it writes into a temporary target root. A recording, not a proof: the proof is the
 * QEMU install in test/e2e/install-apply.test.ts.
 */
const base = fileURLToPath(new URL('../../test/fixtures/profiles/', import.meta.url));
const factsDir = fileURLToPath(new URL('../../test/fixtures/facts/', import.meta.url));

function load(name: string, facts: string, extra: string) {
  const file = `${base}apply-${name}.yaml`;
  const r = validateProfile(file, { read: (f) => (f === file ? `version: 1\nextends: base.yaml\n${extra}` : readFileSync(f, 'utf8')) });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  const f = loadFactsFile(`${factsDir}${facts}.json`);
  if (!f.ok) throw new Error(JSON.stringify(f.issues));
  return { profile: r.profile, facts: f.value };
}

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

/** A runner that records and answers the few commands whose output a step reads. */
function recorder(plan: InstallPlan, disks: { path: string; size: number; serial?: string }[] | undefined) {
  const keyFiles: { path: string; mode: number; content: string }[] = [];
  const calls: { step: string; argv: string[]; stdin?: string; redact?: string[] }[] = [];
  /** The files cpio put in its archives, by name: what the node's initramfs gets added. */
  const archived = new Map<string, string>();
  const runner = async (argv: string[], opts: RunOptions = {}): Promise<RunResult> => {
    calls.push({ step: opts.step ?? '?', argv, ...(opts.input === undefined ? {} : { stdin: opts.input }), ...(opts.redact ? { redact: opts.redact } : {}) });
    // What systemd-cryptenroll reads: the key file is there (0600) while it runs.
    const keyFile = argv.find((a) => a.startsWith('--unlock-key-file='))?.slice('--unlock-key-file='.length);
    if (keyFile) keyFiles.push({ path: keyFile, mode: statSync(keyFile).mode & 0o777, content: readFileSync(keyFile, 'utf8') });
    recordGrubEfiImage(argv);
    let stdout = '';
    if (argv[0] === 'lsblk')
      stdout = JSON.stringify({ blockdevices: disks ?? plan.wipe.map((w) => ({ path: w.path, size: w.sizeBytes, serial: w.serial ?? null })) });
    if (argv[0] === 'blkid') stdout = `uuid-of-${argv.at(-1)!.replace(/\//g, '-').slice(1)}\n`;
    if (argv.includes('dpkg-query')) stdout = 'bash installed\nlive-boot installed\nlive-config installed\nlive-tools not-installed\n';
    if (argv[0] === 'cryptsetup' && argv[1] === 'luksUUID') stdout = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\n';
    // cpio writes its archive where -O says (the md arrays' names added to the node's initramfs).
    if (argv[0] === 'cpio') {
      const names = opts.input?.trim().split('\n') ?? [];
      writeFileSync(argv[argv.indexOf('-O') + 1]!, `[cpio: ${names.join(' ')}]`);
      for (const n of names) if (statSync(join(opts.cwd!, n)).isFile()) archived.set(n, readFileSync(join(opts.cwd!, n), 'utf8'));
    }
    if (argv[0] === 'mdadm' && argv[1] === '--detail') stdout = 'ARRAY /dev/md0 metadata=1.2 UUID=00000000:00000000:00000000:00000000\n';
    return { argv, exitCode: 0, stdout, stderr: '', durationMs: 0 };
  };
  return { calls, runner, keyFiles, archived };
}

function context(profile: ApplyContext['profile'], facts: HardwareFacts, plan: InstallPlan, runner: ApplyContext['run']) {
  const target = mkdtempSync(join(tmpdir(), 'debvisor-apply-target-'));
  const logDir = mkdtempSync(join(tmpdir(), 'debvisor-apply-log-'));
  const keyDirParent = mkdtempSync(join(tmpdir(), 'debvisor-apply-run-'));
  roots.push(target, logDir, keyDirParent);
  // What copy-system brings from the image and a step reads: initramfs-tools' setting (bound over, never changed, while the live packages go).
  mkdirSync(join(target, 'etc/initramfs-tools'), { recursive: true });
  writeFileSync(join(target, 'etc/initramfs-tools/update-initramfs.conf'), 'update_initramfs=yes\n');
  // The node initramfs built with the image (taken unless the root is encrypted).
  mkdirSync(join(target, 'usr/lib/debvisor/node-initramfs'), { recursive: true });
  writeFileSync(join(target, 'usr/lib/debvisor/node-initramfs/initrd.img-6.12.57+deb13-amd64'), 'node initramfs');
  // cryptsetup-initramfs's hook: the image's node initramfs has cryptroot and lacks only the node's crypttab.
  mkdirSync(join(target, 'usr/share/initramfs-tools/hooks'), { recursive: true });
  writeFileSync(join(target, 'usr/share/initramfs-tools/hooks/cryptroot'), '#!/bin/sh\n');
  // The image's file times are its SOURCE_DATE_EPOCH (whole seconds): /etc/.updated and /var/.updated carry /usr's.
  utimesSync(join(target, 'usr'), 1_790_000_000, 1_790_000_000);
  const sink = memorySink();
  const ctx: ApplyContext = {
    plan,
    profile,
    facts,
    target,
    squashfs: fileURLToPath(import.meta.url),
    liveCmdline: 'BOOT_IMAGE=/live/vmlinuz boot=live components console=tty0 console=ttyS0,115200n8 debvisor.mode=unattended',
    profileYaml: renderInstalledProfile(profile),
    logDir,
    run: runner,
    events: createEmitter({ sinks: [sink] }),
    createAccounts: async (c) => void (await c.run(['(accounts)', c.profile.users.admin.name], { step: 'create-accounts' })),
    renderDefaults: async (c) => void (await c.run(['(render)', `${c.plan.files.length} files`], { step: 'render-defaults' })),
    luks: { keyDirParent },
    state: { mounted: false, bound: [] },
  };
  return { ctx, sink, target, logDir, keyDirParent };
}

function tree(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir).sort()) {
      const p = join(dir, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.includes('/boot/')) continue;
      else out.push(`--- /${relative(root, p)} (${(statSync(p).mode & 0o7777).toString(8)})\n${readFileSync(p, 'utf8')}`);
    }
  };
  walk(root);
  return out;
}

/** The LUKS passphrase of the encrypted cases: on stdin and in a 0600 key file only, never in an argv, event or file of the target. */
const LUKS = 'correct-horse-battery-staple';

const CASES = [
  { name: 'lvm-thin-one-nvme', facts: 'one-disk', profile: '' },
  {
    name: 'bios-raid1-ext4-dhcp',
    facts: 'bios-two-disks',
    profile:
      'install:\n  disks:\n    match: { transport: sata }\n    expect: 2\n  storage: { raid: raid1, filesystem: ext4 }\nnetwork:\n  ipv4: { method: dhcp, address: null, gateway: null }\n',
  },
  {
    name: 'lvm-thin-luks-tpm2',
    facts: 'one-disk-tpm2',
    profile: `install:\n  storage:\n    encryption: { passphrase: ${LUKS}, tpm2: true }\n`,
  },
  {
    name: 'bios-raid1-luks-ext4',
    facts: 'bios-two-disks',
    profile: `install:\n  disks:\n    match: { transport: sata }\n    expect: 2\n  storage: { raid: raid1, filesystem: ext4, swapSize: 0G, encryption: { passphrase: ${LUKS} } }\nnetwork:\n  ipv4: { method: dhcp, address: null, gateway: null }\n`,
  },
];

describe('install apply: the executor follows the plan (recorded commands, golden)', () => {
  for (const c of CASES) {
    it(`${c.name}: every step an event, every command an argv`, async () => {
      const { profile, facts } = load(c.name, c.facts, c.profile);
      const plan = planInstall(profile, facts);
      expect(plan.ok).toBe(true);
      const { calls, runner, keyFiles, archived } = recorder(plan, undefined);
      const { ctx, sink, target, logDir, keyDirParent } = context(profile, facts, plan, runner);
      // What unsquashfs would have put there: a kernel, with the live system's initrd.
      mkdirSync(join(target, 'boot'));
      for (const f of ['vmlinuz-6.12.57+deb13-amd64', 'initrd.img-6.12.57+deb13-amd64']) writeFileSync(join(target, 'boot', f), '');
      await applyPlan(ctx);
      const clean = (s: string) =>
        s
          .split(target)
          .join('/target')
          .split(logDir)
          .join('/run/debvisor/install')
          .split(ctx.squashfs)
          .join('/run/live/medium/live/filesystem.squashfs')
          .replace(new RegExp(`${keyDirParent}/debvisor-key-[^/]+`, 'g'), '/run/debvisor-key-XXXXXX');
      // One UEFI image, made by grub-install in the first ESP, copied to the removable path and to every other ESP.
      for (const e of espDirs(plan)) {
        for (const f of ['EFI/debvisor/grubx64.efi', 'EFI/BOOT/BOOTX64.EFI'])
          expect(readFileSync(join(target, e.dir, f), 'utf8'), `${e.dir}/${f}`).toBe('[grub-install: UEFI image]');
      }
      expect(calls.filter((x) => x.argv.includes('--target=x86_64-efi'))).toHaveLength(1);
      const started = sink.events.filter((e) => e.data?.kind === 'step').map((e) => e.step);
      expect(started).toEqual(plan.steps.map((s) => s.id));
      expect(sink.events.at(-1)?.progress).toBe(1);
      const argv = calls.map((x) => `${x.step.padEnd(21)} ${clean(x.argv.join(' '))}${x.stdin === undefined ? '' : ' <stdin'}`).join('\n');
      await expect(`${argv}\n`).toMatchFileSnapshot(`./golden/${c.name}.argv.txt`);
      await expect(clean(tree(target).join('\n'))).toMatchFileSnapshot(`./golden/${c.name}.files.txt`);
      // The passphrase: on stdin of cryptsetup (masked in its output) and in a 0600 key file that is gone afterwards; nowhere else.
      const everything = `${argv}\n${JSON.stringify(sink.events)}\n${tree(target).join('\n')}`;
      expect(everything).not.toContain(LUKS);
      if (plan.encryption !== 'none') {
        const crypt = calls.filter((x) => x.argv[0] === 'cryptsetup' && x.stdin !== undefined);
        expect(crypt.map((x) => x.argv[1])).toEqual(['luksFormat', 'open']);
        expect(crypt.every((x) => x.stdin === LUKS && x.redact?.includes(LUKS))).toBe(true);
        expect(keyFiles.map((k) => [k.mode, k.content])).toEqual(plan.encryption.tpm2 === 'enrol' ? [[0o600, LUKS]] : []);
        expect(readdirSync(keyDirParent)).toEqual([]);
        expect(readFileSync(join(target, 'etc/crypttab'), 'utf8')).toContain(
          'debvisor_crypt\tUUID=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\tnone\tluks,discard,initramfs',
        );
      }
      // The image's node initramfs, with the md arrays' names and the node's crypttab added; none built here.
      expect(calls.filter((x) => x.argv.includes('update-initramfs'))).toEqual([]);
      const raid = plan.raid.length > 0;
      const added = [...(raid ? ['etc', 'etc/mdadm', 'etc/mdadm/mdadm.conf'] : []), ...(plan.encryption !== 'none' ? ['cryptroot', 'cryptroot/crypttab'] : [])];
      // The added archive starts at a 4-byte offset (zero bytes before it): 'node initramfs' is 14 bytes.
      expect(readFileSync(join(target, 'boot/initrd.img-6.12.57+deb13-amd64'), 'utf8')).toBe(
        added.length > 0 ? `node initramfs\0\0[cpio: ${added.join(' ')}]` : 'node initramfs',
      );
      // As cryptsetup-initramfs's hook writes it: the crypttab's entries, no comment.
      expect(archived.get('cryptroot/crypttab')).toBe(
        plan.encryption !== 'none' ? 'debvisor_crypt\tUUID=0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0\tnone\tluks,discard,initramfs\n' : undefined,
      );
      expect(existsSync(join(target, 'usr/lib/debvisor/node-initramfs'))).toBe(false);
      // Nothing is written before the disks have been read again.
      expect(calls[0]!.argv[0]).toBe('lsblk');
      expect(calls.every((x) => Array.isArray(x.argv) && x.argv.every((a) => typeof a === 'string'))).toBe(true);
    });
  }

  it('builds the initramfs of an encrypted root in the target when the image has no cryptsetup hook (its prebuilt one would lack cryptroot)', async () => {
    const c = CASES.find((x) => x.name === 'lvm-thin-luks-tpm2')!;
    const { profile, facts } = load(c.name, c.facts, c.profile);
    const plan = planInstall(profile, facts);
    const { calls, runner, archived } = recorder(plan, undefined);
    const { ctx, target } = context(profile, facts, plan, runner);
    rmSync(join(target, 'usr/share/initramfs-tools/hooks/cryptroot'));
    mkdirSync(join(target, 'boot'));
    for (const f of ['vmlinuz-6.12.57+deb13-amd64', 'initrd.img-6.12.57+deb13-amd64']) writeFileSync(join(target, 'boot', f), '');
    await applyPlan(ctx);
    expect(calls.filter((x) => x.step === 'update-initramfs').map((x) => x.argv.join(' '))).toEqual([
      `chroot ${target} update-initramfs -u -k 6.12.57+deb13-amd64`,
    ]);
    expect(archived.size).toBe(0);
    expect(existsSync(join(target, 'usr/lib/debvisor/node-initramfs'))).toBe(false);
  });

  it('touches nothing when a disk is not the one planned (another serial)', async () => {
    const { profile, facts } = load('changed', 'one-disk', '');
    const plan = planInstall(profile, facts);
    const w = plan.wipe[0]!;
    const { calls, runner } = recorder(plan, [{ path: w.path, size: w.sizeBytes, serial: 'OTHER' }]);
    const { ctx, sink } = context(profile, facts, plan, runner);
    await expect(applyPlan(ctx)).rejects.toMatchObject({ code: 'E_DISKS_CHANGED' });
    expect(calls.map((x) => x.argv[0])).toEqual(['lsblk']);
    expect(sink.events.find((e) => e.level === 'error')?.step).toBe('check-disks');
  });

  it('touches nothing when a disk is smaller than planned', async () => {
    const { profile, facts } = load('smaller', 'one-disk', '');
    const plan = planInstall(profile, facts);
    const w = plan.wipe[0]!;
    const { calls, runner } = recorder(plan, [{ path: w.path, size: w.sizeBytes - 512, ...(w.serial ? { serial: w.serial } : {}) }]);
    const { ctx } = context(profile, facts, plan, runner);
    await expect(applyPlan(ctx)).rejects.toMatchObject({ code: 'E_DISKS_CHANGED' });
    expect(calls).toHaveLength(1);
  });

  it('runs nothing for a refused plan', async () => {
    const { profile, facts } = load('refused', 'one-disk', 'install:\n  disks:\n    match: { minSize: 2T }\n');
    const plan = planInstall(profile, facts);
    const { calls, runner } = recorder(plan, undefined);
    const { ctx } = context(profile, facts, plan, runner);
    await expect(applyPlan(ctx)).rejects.toMatchObject({ code: 'E_PLAN_REFUSED' });
    expect(calls).toHaveLength(0);
  });

  it('runs nothing when --target would put the new root on the running system (/, /usr, a relative path)', async () => {
    const { profile, facts } = load('lvm-thin-one-nvme', 'one-disk', '');
    const plan = planInstall(profile, facts);
    for (const target of ['/', '/usr', '/var/lib/x', 'target', '/etc/../']) {
      const { calls, runner } = recorder(plan, undefined);
      const { ctx } = context(profile, facts, plan, runner);
      await expect(applyPlan({ ...ctx, target }), target).rejects.toMatchObject({ code: 'E_TARGET', message: expect.stringContaining('nothing was touched') });
      expect(calls).toHaveLength(0);
    }
    expect(targetRefusal('/target')).toBeUndefined();
    expect(targetRefusal('/mnt/node')).toBeUndefined();
    expect(targetRefusal('/usrlocal')).toBeUndefined();
  });

  it('runs nothing for a plan with steps it cannot carry out yet (ZFS)', async () => {
    const { profile, facts } = load(
      'zfs',
      'zfs-image-three-nvme',
      'install:\n  disks:\n    match: { serial: S5GXNF0R102123 }\n  storage: { filesystem: zfs, swapSize: 0G }\nnetwork:\n  interface:\n    match: { mac: null, name: eno1 }\n',
    );
    const plan = planInstall(profile, facts);
    expect(plan.ok).toBe(true);
    const { calls, runner } = recorder(plan, undefined);
    const { ctx } = context(profile, facts, plan, runner);
    await expect(applyPlan(ctx)).rejects.toMatchObject({ code: 'E_APPLY_UNSUPPORTED' });
    expect(calls).toHaveLength(0);
  });
});

describe('save-profile', () => {
  it("keeps first boot's checked form of the saved profile; a profile first boot would refuse is said, not kept, and does not fail the install", async () => {
    const { profile, facts } = load('lvm-thin-one-nvme', 'one-disk', '');
    const plan = planInstall(profile, facts);
    const { ctx, target, sink } = context(profile, facts, plan, recorder(plan, undefined).runner);
    await saveProfile(ctx);
    const cache = JSON.parse(readFileSync(join(target, 'var/lib/debvisor/firstboot/installed-profile.json'), 'utf8'));
    expect(cache.profile.node.hostname).toBe(profile.node.hostname);
    rmSync(join(target, 'var/lib/debvisor/firstboot/installed-profile.json'));
    await saveProfile({ ...ctx, profileYaml: 'version: 1\nnode: { hostname: "not a name!" }\n' });
    expect(existsSync(join(target, 'var/lib/debvisor/firstboot/installed-profile.json'))).toBe(false);
    expect(sink.events.some((e) => e.level === 'warn' && /first boot will refuse the saved profile: the node profile .* cannot be used/.test(e.message))).toBe(
      true,
    );
  });
});

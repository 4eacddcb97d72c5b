import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DebvisorError } from '../../core/errors.js';
import { BOOT_MOUNT, ESP_MOUNT } from '../plan/storage.js';
import type { ApplyContext } from './context.js';

/** lsblk's answer for one disk, as `lsblk --json --bytes --nodeps -o PATH,SIZE,SERIAL` prints it. */
interface LsblkDisk {
  path: string;
  size: number | string;
  serial?: string | null;
}

/** Pure: how the disks read now differ from the disks planned (empty when they are the same). */
export function diskDifferences(planned: ApplyContext['plan']['wipe'], now: LsblkDisk[]): string[] {
  const out: string[] = [];
  for (const d of planned) {
    const seen = now.find((x) => x.path === d.path);
    if (!seen) {
      out.push(`${d.path} is gone`);
      continue;
    }
    if (Number(seen.size) !== d.sizeBytes) out.push(`${d.path} has ${seen.size} bytes, the plan ${d.sizeBytes}`);
    const serial = (seen.serial ?? '').trim();
    if ((d.serial ?? '') !== serial) out.push(`${d.path} has serial '${serial}', the plan '${d.serial ?? ''}'`);
  }
  return out;
}

/** Reads the disks again and stops unless they are the very disks the plan was made for. */
export async function checkDisks(ctx: ApplyContext): Promise<void> {
  const paths = ctx.plan.wipe.map((d) => d.path);
  const r = await ctx.run(['lsblk', '--json', '--bytes', '--nodeps', '-o', 'PATH,SIZE,SERIAL', ...paths], {
    events: ctx.events,
    step: 'check-disks',
    allowFailure: true,
  });
  let now: LsblkDisk[] = [];
  try {
    now = (JSON.parse(r.stdout) as { blockdevices?: LsblkDisk[] }).blockdevices ?? [];
  } catch {
    /* judged below: every disk is missing */
  }
  const diff = diskDifferences(ctx.plan.wipe, now);
  if (diff.length) {
    throw new DebvisorError('E_DISKS_CHANGED', `the disks are not the ones planned: ${diff.join('; ')}; nothing was touched`, {
      hint: 'gather the facts again (debvisor facts) and plan again',
    });
  }
}

/** Every signature on the chosen disks and on their old partitions, then the partition tables. */
export async function wipeDisks(ctx: ApplyContext): Promise<void> {
  const o = { events: ctx.events, step: 'wipe-disks' };
  for (const w of ctx.plan.wipe) {
    const disk = ctx.facts.disks?.find((d) => d.path === w.path);
    for (const p of disk?.partitions ?? []) await ctx.run(['wipefs', '--all', '--force', `/dev/${p.name}`], { ...o, allowFailure: true });
    await ctx.run(['wipefs', '--all', '--force', w.path], o);
    await ctx.run(['sgdisk', '--zap-all', w.path], o);
  }
}

/** A GPT on each disk exactly as planned (1 MiB aligned), then the kernel is told and the new partitions are wiped too. */
export async function partitionDisks(ctx: ApplyContext): Promise<void> {
  const o = { events: ctx.events, step: 'partition-disks' };
  for (const d of ctx.plan.partitions) {
    const ss = d.logicalSectorSize;
    const argv = ['sgdisk'];
    for (const p of d.partitions) {
      const first = p.startBytes / ss;
      const last = (p.startBytes + p.sizeBytes) / ss - 1;
      argv.push(`--new=${p.number}:${first}:${last}`, `--typecode=${p.number}:${p.typeCode}`, `--change-name=${p.number}:${p.name}`);
    }
    argv.push(d.disk);
    await ctx.run(argv, o);
    await ctx.run(['partprobe', d.disk], o);
  }
  await ctx.run(['udevadm', 'settle'], o);
  // An old signature at the same offset (an LVM label, an md superblock) would come back to life.
  // One wipefs for all of them (each start costs about a second under emulation).
  const parts = ctx.plan.partitions.flatMap((d) => d.partitions.map((p) => p.device));
  if (parts.length) await ctx.run(['wipefs', '--all', '--force', ...parts], o);
}

/** `raid1` → `1`: mdadm's name for a level. */
export function mdLevel(level: string): string {
  return level.replace(/^raid/, '');
}

/**
 * Each array with a write-intent bitmap: after a power cut only the regions being written are
 * synced again, not the whole mirror. mdadm adds one by itself from 100 GiB; smaller arrays
 * (a lab's disks) get it too, so they behave as a real node's.
 */
export async function createRaid(ctx: ApplyContext): Promise<void> {
  const o = { events: ctx.events, step: 'create-raid' };
  for (const a of ctx.plan.raid) {
    await ctx.run(
      [
        'mdadm',
        '--create',
        a.device,
        '--run',
        '--metadata=1.2',
        '--bitmap=internal',
        `--level=${mdLevel(a.level)}`,
        `--raid-devices=${a.members.length}`,
        ...a.members,
      ],
      o,
    );
  }
  await ctx.run(['udevadm', 'settle'], o);
}

/** Proxmox's layout: PV, VG, root and swap volumes, and the thin pool `data` with its metadata size. */
export async function createLvm(ctx: ApplyContext): Promise<void> {
  const s = ctx.plan.storage;
  if (s?.kind !== 'lvm-thin') return;
  const o = { events: ctx.events, step: 'create-lvm' };
  await ctx.run(['pvcreate', '--yes', '--force', s.pv], o);
  await ctx.run(['vgcreate', '--yes', s.vg, s.pv], o);
  for (const v of s.volumes) {
    if (v.metadataBytes !== undefined) {
      await ctx.run(
        ['lvcreate', '--yes', '--type', 'thin-pool', '--size', `${v.sizeBytes}b`, '--poolmetadatasize', `${v.metadataBytes}b`, '--name', v.name, s.vg],
        o,
      );
    } else {
      await ctx.run(['lvcreate', '--yes', '--wipesignatures', 'y', '--size', `${v.sizeBytes}b`, '--name', v.name, s.vg], o);
    }
  }
  await ctx.run(['vgchange', '--activate', 'y', s.vg], o);
}

/** Pure: the mkfs argv for one planned filesystem. */
export function mkfsArgv(f: ApplyContext['plan']['filesystems'][number]): string[] | undefined {
  switch (f.type) {
    case 'vfat':
      return ['mkfs.vfat', '-F', '32', ...(f.label ? ['-n', f.label] : []), f.device];
    case 'ext4':
      return ['mkfs.ext4', '-F', '-q', ...(f.label ? ['-L', f.label] : []), f.device];
    case 'xfs':
      return ['mkfs.xfs', '-f', '-q', ...(f.label ? ['-L', f.label] : []), f.device];
    case 'swap':
      return ['mkswap', f.device];
    default:
      return undefined;
  }
}

export async function makeFilesystems(ctx: ApplyContext): Promise<void> {
  for (const f of ctx.plan.filesystems) {
    const argv = mkfsArgv(f);
    if (argv) await ctx.run(argv, { events: ctx.events, step: 'make-filesystems' });
  }
}

/** The root first, then /boot (when encrypted), then the ESP under it. */
export async function mountTarget(ctx: ApplyContext): Promise<void> {
  const o = { events: ctx.events, step: 'mount-target' };
  const root = ctx.plan.filesystems.find((f) => f.mount === '/')!;
  const esp = ctx.plan.filesystems.find((f) => f.mount === ESP_MOUNT)!;
  mkdirSync(ctx.target, { recursive: true });
  // The target on a private mount point: under the live system's shared root every mount of the
  // install would also appear in the namespaces of the services running beside it, where our
  // unmount does not reach the private binds; their copies kept the root filesystem in use after
  // `umount --recursive` (an encrypted install could not deactivate its volume group).
  await ctx.run(['mount', '--bind', '--make-private', ctx.target, ctx.target], o);
  await ctx.run(['mount', root.device, ctx.target], o);
  ctx.state.mounted = true;
  // An encrypted install's plain /boot, before the ESP that is mounted inside it.
  const boot = ctx.plan.filesystems.find((f) => f.mount === BOOT_MOUNT);
  if (boot) {
    mkdirSync(join(ctx.target, BOOT_MOUNT), { recursive: true });
    await ctx.run(['mount', boot.device, join(ctx.target, BOOT_MOUNT)], o);
  }
  mkdirSync(join(ctx.target, ESP_MOUNT), { recursive: true });
  await ctx.run(['mount', esp.device, join(ctx.target, ESP_MOUNT)], o);
}

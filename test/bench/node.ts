import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { build } from '../../builder/build.js';
import { DISKS, FQDN, HOSTNAME, machine, startNodeLab, stepTimes } from '../e2e/helpers/node-lab.js';
import { GUEST_HTTP, TCG } from '../e2e/helpers/qemu.js';
import { runAndWatch, type WatchResult } from '../e2e/helpers/qemu-watch.js';
import { freePort } from '../e2e/helpers/acme-dns.js';

/**
 * A node's life under TCG, measured (figures, not pass/fail; issue 11 and 13 goals):
 * 1. the unattended install by PXE (the e2e's lab: answer server, two disks, RAID1 + LVM-thin);
 *    its time from the first step to the end of the last, and the time of each step;
 * 2. the first boot of the installed disks with knot and pebble up, to `ready` on the console;
 * 3. a plain boot of the same disks (first boot done) to the login prompt: 2 next to 3 is the
 *    first-boot ratio (goal <= 1.2); 2 and 3 in turn, PAIRS times, and the median ratio;
 * 4. the floor: in the same VM (memory, CPUs, disks), the live system unsquashes the same image
 *    onto the first disk (ext4, made just before); the install next to it is the install ratio
 *    (goal <= 2.0). The floor writes one plain disk; the install writes a mirror under LVM-thin.
 */
const repo = fileURLToPath(new URL('../..', import.meta.url));
const INSTALL_MS = 1_800_000;
const BOOT_MS = 900_000;
/** First boot and plain boot, in turn, this many times (DEBVISOR_BENCH_PAIRS, 1 to 9: more pairs, a steadier median). */
const PAIRS = Math.min(9, Math.max(1, Math.trunc(Number(process.env.DEBVISOR_BENCH_PAIRS)) || 3));
const FLOOR_SCRIPT = [
  'exec >/dev/ttyS0 2>&1',
  // The live system assembles the installed mirror and activates its LVM by itself: let go of the disk first.
  // (udev may still be assembling it when this starts: settle, then stop, a few bounded rounds).
  'for i in 1 2 3 4 5 6 7 8 9 10; do udevadm settle; vgchange -an >/dev/null 2>&1; mdadm --stop --scan >/dev/null 2>&1; grep -q "^md" /proc/mdstat || break; sleep 2; done',
  'set -e',
  'mkfs.ext4 -q -F /dev/vda',
  'mount /dev/vda /mnt',
  'read a rest </proc/uptime',
  'unsquashfs -q -f -d /mnt/root /run/live/medium/live/filesystem.squashfs >/dev/null',
  'sync',
  'read b rest </proc/uptime',
  'echo "FLOOR start=$a end=$b"',
  '',
].join('\n');

const round = (n: number) => Math.round(n * 10) / 10;

/** Pure: the middle value (the mean of the two middle ones for an even count). */
export function median(xs: number[]): number {
  const a = [...xs].sort((x, y) => x - y);
  const m = a.length >> 1;
  return a.length % 2 ? a[m]! : (a[m - 1]! + a[m]!) / 2;
}

/** The guest's clock (seconds since the kernel started) on the first serial line matching `line`. */
export function guestSeconds(serial: string, line: RegExp): number | undefined {
  for (const l of serial.split('\n')) {
    const m = /\[\s*(\d+\.\d+)\]/.exec(l);
    if (m && line.test(l)) return Number(m[1]);
  }
  return undefined;
}
/** The bridge of the management NIC forwarding: the node's network is up (the kernel's message). */
const NETWORK_UP = /vmbr0: port \d+\(\S+\) entered forwarding state/;

function must(r: WatchResult, what: string): WatchResult {
  if (!r.matched) throw new Error(`${what}: not there after ${r.seconds} s; serial:\n${r.serial.slice(-3000)}`);
  return r;
}

/** The install's time from the first step's start to the last step's end, from the events' own times. */
function installSeconds(serial: string): number {
  const times: number[] = [];
  for (const line of serial.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const e = JSON.parse(line) as { time?: string; data?: { kind?: string; index?: number }; message?: string; step?: string };
      if ((e.data?.kind === 'step' && e.data.index === 1) || (e.step === 'finish' && /done in/.test(e.message ?? ''))) times.push(Date.parse(e.time!));
    } catch {
      /* a broken line */
    }
  }
  if (times.length < 2) throw new Error('the install events have no first step or no end');
  return (Math.max(...times) - Math.min(...times)) / 1000;
}

export async function benchNode(): Promise<Record<string, string | number>> {
  const out = join(repo, 'out');
  await build({ repo, spec: join(repo, 'iso/build.yaml'), out });
  const parent = mkdtempSync(join(tmpdir(), 'debvisor-bench-node-'));
  const lab = await startNodeLab(parent, out);
  // Each figure as it is measured: a later failure keeps what came before.
  const figures: Record<string, string | number> = {};
  try {
    const log = (name: string) => join(lab.dir, `serial-${name}.log`);
    const vm = (mib: number, name: string) => [...TCG, ...machine(mib), '-serial', `file:${log(name)}`];

    const installRun = await runAndWatch(
      [...vm(4096, 'install'), ...lab.pxeArgs(), ...lab.diskArgs()],
      log('install'),
      [/DebVisor install SUCCEEDED/],
      INSTALL_MS,
      /DebVisor install FAILED/,
    );
    // Kept whatever happened: a failed install is read from it.
    copyFileSync(log('install'), join(out, 'bench-install-serial.log'));
    const install = must(installRun, 'the install (serial in out/bench-install-serial.log)');
    const installS = installSeconds(install.serial);
    figures['install (s)'] = round(installS);
    for (const st of stepTimes(install.serial)) figures[`  step ${st.step} (s)`] = st.seconds;

    const nodeNet = async () => lab.nodeArgs(await freePort(), await freePort());
    const ready = new RegExp(`DebVisor node ${FQDN.replace(/\./g, '\\.')}: ready(?! \\(degraded)`);
    const login = new RegExp(`${HOSTNAME} login:`);
    // The installed disks stay as the install left them: every first boot starts from them with
    // its writes discarded (snapshot=on), except the first pair's, which goes into copies the
    // plain boots then start from (again discarding their writes). So the pairs can alternate and
    // each ratio compares two boots next to each other in time: this host's speed drifts by half
    // within minutes, more than the difference measured.
    const installed = DISKS.map((d) => join(lab.dir, d));
    const booted = installed.map((d) => `${d}.after-first-boot`);
    // Sparse copies: only the blocks the install wrote.
    for (const [i, d] of installed.entries()) await execa('cp', ['--sparse=always', d, booted[i]!]);
    const drives = (files: string[], snapshot: boolean) => files.flatMap((f) => ['-drive', `file=${f},if=virtio,format=raw${snapshot ? ',snapshot=on' : ''}`]);
    const pairs: { first: number; plain: number; ratio: number; firstNet?: number; plainNet?: number; ownPart?: number }[] = [];
    for (let i = 1; i <= PAIRS; i++) {
      // A first boot registers the node's name: the one before it must not have done it already.
      await lab.remotes.forgetNode(FQDN);
      const firstDisks = i === 1 ? drives(booted, false) : drives(installed, true);
      const first = must(
        await runAndWatch([...vm(2048, `firstboot-${i}`), ...(await nodeNet()), ...firstDisks], log(`firstboot-${i}`), [ready], BOOT_MS),
        `first boot ${i} to ready`,
      );
      copyFileSync(log(`firstboot-${i}`), join(out, `bench-firstboot-${i}-serial.log`));
      const plain = must(
        await runAndWatch([...vm(2048, `plain-${i}`), ...(await nodeNet()), ...drives(booted, true)], log(`plain-${i}`), [login], BOOT_MS),
        `plain boot ${i} to the login prompt`,
      );
      copyFileSync(log(`plain-${i}`), join(out, `bench-plain-${i}-serial.log`));
      // The boot before the network differs by several seconds between two boots of the same disks:
      // these say how much of the difference is that, and how long first boot's own part took.
      const firstNet = guestSeconds(first.serial, NETWORK_UP);
      const firstReady = guestSeconds(first.serial, ready);
      const pair = {
        first: first.seconds,
        plain: plain.seconds,
        ratio: first.seconds / plain.seconds,
        firstNet,
        plainNet: guestSeconds(plain.serial, NETWORK_UP),
        ownPart: firstNet !== undefined && firstReady !== undefined ? firstReady - firstNet : undefined,
      };
      pairs.push(pair);
      figures[`pair ${i}: first boot to ready / plain boot to login (s, from QEMU start)`] =
        `${pair.first} / ${pair.plain} = ${pair.ratio.toFixed(2)}; network up (guest clock) ${pair.firstNet !== undefined ? round(pair.firstNet) : '?'} / ${pair.plainNet !== undefined ? round(pair.plainNet) : '?'}; first boot's own part ${pair.ownPart !== undefined ? round(pair.ownPart) : '?'}`;
    }
    figures['first boot to ready (s, from QEMU start, median)'] = median(pairs.map((p) => p.first));
    figures['plain boot to login (s, from QEMU start, median)'] = median(pairs.map((p) => p.plain));
    figures['first boot / plain (goal <= 1.2, median of the pairs)'] = median(pairs.map((p) => p.ratio)).toFixed(2);
    const own = pairs.flatMap((p) => (p.ownPart === undefined ? [] : [p.ownPart]));
    if (own.length) figures['first boot: network up to ready (s, guest clock, median)'] = round(median(own));

    // The floor, last (it makes a new filesystem on the first disk): the same image, VM and disks;
    // the live system fetched as the install fetched it.
    writeFileSync(join(lab.dir, 'www', 'floor.sh'), FLOOR_SCRIPT);
    const run = `for i in 1 2 3 4 5 6 7 8 9 10; do curl -sf http://${GUEST_HTTP}/floor.sh -o /run/floor.sh && break; sleep 3; done; sh /run/floor.sh`;
    const netboot = join(out, 'netboot');
    const floorRun = await runAndWatch(
      [
        ...vm(4096, 'floor'),
        // -kernel is the boot device: the NIC must not claim bootindex 0.
        ...lab.httpArgs(),
        ...lab.diskArgs(),
        '-kernel',
        join(netboot, 'vmlinuz'),
        '-initrd',
        join(netboot, 'initrd.img'),
        '-append',
        `boot=live components console=ttyS0,115200n8 fetch=http://${GUEST_HTTP}/filesystem.squashfs systemd.run="/bin/sh -c '${run}'"`,
      ],
      log('floor'),
      [/FLOOR start=[0-9.]+ end=[0-9.]+/],
      BOOT_MS,
    );
    copyFileSync(log('floor'), join(out, 'bench-floor-serial.log'));
    const floor = must(floorRun, 'the floor (unsquashfs in the live system, serial in out/bench-floor-serial.log)');
    const m = /FLOOR start=([0-9.]+) end=([0-9.]+)/.exec(floor.serial)!;
    const floorS = Number(m[2]) - Number(m[1]);
    figures['floor: unsquashfs (s)'] = round(floorS);
    figures['install / floor (goal <= 2.0)'] = round(installS / floorS);
    figures['(boot times polled every 2 s)'] = '';
  } catch (err) {
    figures.FAILED = (err as Error).message.split('\n')[0]!;
  } finally {
    await lab.close();
    rmSync(parent, { recursive: true, force: true });
  }
  return figures;
}

import { execa, type ResultPromise } from 'execa';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Firmware = 'bios' | 'uefi';
/** `pxe`: the image is the netboot directory, served by the built-in iPXE ROM's DHCP and HTTP. */
export type Medium = 'cd' | 'usb' | 'pxe';

/** Where the guest finds the test's HTTP server (forwarded to the host's loopback, nowhere else). */
export const GUEST_HTTP = '10.0.2.100';
/** The bridge QEMU's guestfwd runs per guest connection (stdin/stdout to a server on the host's loopback). */
export const TCP_BRIDGE = fileURLToPath(new URL('./tcp-bridge.mjs', import.meta.url));
/** A guest address:port whose TCP connections QEMU hands to a server on the host's loopback. */
export const guestFwd = (ip: string, port: number, to: number) => `guestfwd=tcp:${ip}:${port}-cmd:${process.execPath} ${TCP_BRIDGE} ${to}`;

export const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE_4M.fd';
export const OVMF_VARS = '/usr/share/OVMF/OVMF_VARS_4M.fd';

/**
 * Software emulation (this machine's /dev/kvm does not work), one TCG thread for all vCPUs:
 * QEMU 7.2's multi-threaded TCG (Debian 12) lets vCPU threads translate the same page at once
 * (fixed in 8.1, "accel/tcg: Always lock pages before translation"); guests crashed at random in
 * the scheduler and timers here under load. Every QEMU run of the tests uses this.
 */
export const TCG = ['-accel', 'tcg,thread=single'];

/** argv for booting an image under software emulation (this machine's /dev/kvm does not work). */
export function qemuArgs(image: string, firmware: Firmware, medium: Medium, serialLog: string, vars: string, httpPort?: number): string[] {
  const args = [...TCG, '-machine', 'q35', '-m', '2048', '-smp', '2', '-display', 'none', '-monitor', 'none', '-serial', `file:${serialLog}`, '-no-reboot'];
  if (medium === 'pxe') {
    if (!httpPort) throw new Error('a network boot needs the HTTP server port');
    // restrict=on: the guest reaches nothing but QEMU's own DHCP/TFTP and the forwarded server.
    const netdev = `user,id=n0,restrict=on,tftp=${image},bootfile=http://${GUEST_HTTP}/boot.ipxe,${guestFwd(GUEST_HTTP, 80, httpPort)}`;
    args.push('-netdev', netdev, '-device', 'virtio-net-pci,netdev=n0,bootindex=0');
  } else args.push('-nic', 'none');
  if (firmware === 'uefi') args.push('-drive', `if=pflash,format=raw,readonly=on,file=${OVMF_CODE}`, '-drive', `if=pflash,format=raw,file=${vars}`);
  if (medium === 'pxe') return args;
  if (medium === 'cd') args.push('-drive', `file=${image},media=cdrom,readonly=on,if=none,id=cd`, '-device', 'ide-cd,drive=cd,bootindex=0');
  // The ISO written raw to a USB stick: the same bytes as a USB disk.
  else args.push('-drive', `file=${image},format=raw,if=none,id=stick,snapshot=on`, '-device', 'qemu-xhci', '-device', 'usb-storage,drive=stick,bootindex=0');
  return args;
}

export interface BootResult {
  serial: string;
  seconds: number;
  matched: boolean;
}

/** Boots and waits (bounded) until every pattern has appeared on the serial console; then stops QEMU. */
export async function bootAndWatch(
  image: string,
  firmware: Firmware,
  medium: Medium,
  dir: string,
  patterns: RegExp[],
  timeoutMs: number,
  httpPort?: number,
): Promise<BootResult> {
  const serialLog = join(dir, `serial-${firmware}-${medium}.log`);
  const vars = join(dir, `vars-${firmware}-${medium}.fd`);
  if (firmware === 'uefi') copyFileSync(OVMF_VARS, vars);
  const started = Date.now();
  const vm: ResultPromise = execa('qemu-system-x86_64', qemuArgs(image, firmware, medium, serialLog, vars, httpPort), { stdin: 'ignore', reject: false });
  let serial = '';
  let matched = false;
  let exited = false;
  void vm.finally(() => (exited = true));
  try {
    while (Date.now() - started < timeoutMs && !exited) {
      await new Promise((r) => setTimeout(r, 2000));
      serial = existsSync(serialLog) ? readFileSync(serialLog, 'latin1') : '';
      if (patterns.every((p) => p.test(serial))) {
        matched = true;
        break;
      }
    }
  } finally {
    if (vm.pid) {
      try {
        process.kill(vm.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    await vm.catch(() => undefined);
  }
  return { serial, seconds: Math.round((Date.now() - started) / 1000), matched };
}

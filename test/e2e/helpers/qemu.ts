import { execa, type ResultPromise } from 'execa';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Firmware = 'bios' | 'uefi';
export type Medium = 'cd' | 'usb';

export const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE_4M.fd';
export const OVMF_VARS = '/usr/share/OVMF/OVMF_VARS_4M.fd';

/** argv for booting an image under software emulation (this machine's /dev/kvm does not work). */
export function qemuArgs(image: string, firmware: Firmware, medium: Medium, serialLog: string, vars: string): string[] {
  const args = ['-accel', 'tcg', '-machine', 'q35', '-m', '2048', '-smp', '2', '-display', 'none', '-monitor', 'none', '-serial', `file:${serialLog}`, '-no-reboot', '-nic', 'none'];
  if (firmware === 'uefi') args.push('-drive', `if=pflash,format=raw,readonly=on,file=${OVMF_CODE}`, '-drive', `if=pflash,format=raw,file=${vars}`);
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
export async function bootAndWatch(image: string, firmware: Firmware, medium: Medium, dir: string, patterns: RegExp[], timeoutMs: number): Promise<BootResult> {
  const serialLog = join(dir, `serial-${firmware}-${medium}.log`);
  const vars = join(dir, `vars-${firmware}-${medium}.fd`);
  if (firmware === 'uefi') copyFileSync(OVMF_VARS, vars);
  const started = Date.now();
  const vm: ResultPromise = execa('qemu-system-x86_64', qemuArgs(image, firmware, medium, serialLog, vars), { stdin: 'ignore', reject: false });
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

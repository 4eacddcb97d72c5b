import type { Profile } from '../../profiles/schema/profile.js';
import type { HardwareFacts } from '../../profiles/facts.js';
import type { BootloaderPlan, DiskPartitions } from './types.js';

/** The removable-media path UEFI firmware boots when it has forgotten its boot entries. */
export const EFI_REMOVABLE_PATH = 'EFI/BOOT/BOOTX64.EFI';
/**
 * First boot: the service that runs `debvisor firstboot` (gated by its marker), its retry timer,
 * the runtime target it hands off to, and the certificate renewal timer.
 */
export const FIRST_BOOT_UNITS = ['debvisor-firstboot.service', 'debvisor-firstboot.timer', 'debvisor-runtime.target', 'debvisor-cert-renew.timer'];
/** Services the hardened defaults need running on the node. */
export const ENABLED_UNITS = ['nftables.service', 'fail2ban.service', 'ssh.service', 'nginx.service'];
/** The files the installer writes itself (beside the hardened defaults). */
export const SYSTEM_FILES = [
  '/etc/fstab',
  '/etc/hostname',
  '/etc/hosts',
  '/etc/network/interfaces',
  '/etc/systemd/system/networking.service.d/debvisor-online.conf',
  '/etc/resolv.conf',
  '/etc/machine-id (new)',
  '/etc/ssh/ssh_host_*_key (new)',
  '/etc/default/grub.d/debvisor.cfg',
  '/etc/debvisor/installed-profile.yaml',
  '/var/log/debvisor/install.log',
];

/**
 * GRUB for BIOS and for UEFI on every chosen disk, so the node boots with either firmware and
 * from any disk of a mirror, plus the removable path for firmware that forgets its entries.
 * A 4Kn disk gets no BIOS GRUB (it has no BIOS boot partition).
 */
export function planBootloaders(facts: HardwareFacts, partitions: readonly DiskPartitions[], notes: string[]): BootloaderPlan[] {
  const out: BootloaderPlan[] = [];
  for (const d of partitions) {
    const bios = d.partitions.find((x) => x.role === 'bios-boot');
    const esp = d.partitions.find((x) => x.role === 'esp')!;
    if (bios) out.push({ kind: 'grub-pc', disk: d.disk, target: `i386-pc, core image in ${bios.device}` });
    out.push({ kind: 'grub-efi', disk: d.disk, target: `x86_64-efi in ${esp.device}` });
    out.push({ kind: 'efi-removable', disk: d.disk, target: `${esp.device}:/${EFI_REMOVABLE_PATH}` });
    if (!bios) notes.push(`${d.disk} has 4096-byte sectors: it boots with UEFI only`);
  }
  // The image carries no shim and no signed GRUB (its own ISO boots unsigned too): said, not refused,
  // since facts recorded elsewhere may show Secure Boot on where the install will run with it off.
  if (facts.firmware?.secureBoot)
    notes.push('Secure Boot is on, but the image installs GRUB unsigned (no shim): turn Secure Boot off in the firmware, or the node will not start');
  return out;
}

/** The installed node's kernel command line: the profile's arguments (the console is added from the live system's). */
export function planKernelArgs(p: Profile): string[] {
  return [...(p.install.kernelArgs ?? [])];
}

import { formatBytes } from '../../core/sizes.js';
import { safeText } from '../../core/text.js';
import { describeContents, type HardwareFacts } from '../../profiles/facts.js';

/** Facts for a person: the machine, then one block per disk and one line per interface. */
export function formatFacts(f: HardwareFacts): string {
  const lines: string[] = [];
  const dmi = f.dmi
    ? [f.dmi.vendor, f.dmi.product, f.dmi.serial ? `serial ${f.dmi.serial}` : undefined, f.dmi.uuid ? `uuid ${f.dmi.uuid}` : undefined]
        .filter(Boolean)
        .join(', ')
    : 'unknown';
  lines.push(`machine:  ${dmi}`);
  if (f.firmware)
    lines.push(
      `firmware: ${f.firmware.mode === 'uefi' ? `UEFI, Secure Boot ${f.firmware.secureBoot === undefined ? 'unknown' : f.firmware.secureBoot ? 'on' : 'off'}` : 'BIOS (legacy)'}`,
    );
  if (f.cpu)
    lines.push(
      `cpu:      ${f.cpu.model ?? 'unknown model'}, ${f.cpu.sockets} socket${f.cpu.sockets === 1 ? '' : 's'}, ${f.cpu.cores} cores, ${f.cpu.threads} threads, ${f.cpu.virtualization === 'none' ? 'NO hardware virtualization' : f.cpu.virtualization === 'vmx' ? 'VT-x (vmx)' : 'AMD-V (svm)'}`,
    );
  if (f.memory) lines.push(`memory:   ${formatBytes(f.memory.totalBytes)}`);
  if (f.tpm) lines.push(`tpm:      ${f.tpm.version === 'none' ? 'none' : `TPM ${f.tpm.version}`}`);
  if (f.image) lines.push(`image:    ${f.image.zfs ? 'carries ZFS' : 'no ZFS'}`);
  lines.push('', `disks (${f.disks?.length ?? 0}):`);
  for (const d of f.disks ?? []) {
    const sectors = `${d.logicalSectorSize}/${d.physicalSectorSize}-byte sectors${d.logicalSectorSize === 4096 ? ' (4Kn)' : d.physicalSectorSize === 4096 ? ' (512e)' : ''}`;
    const flags = [
      d.transport ?? 'unknown bus',
      d.rotational ? 'rotational' : 'SSD',
      d.removable ? 'removable' : undefined,
      d.readOnly ? 'read-only' : undefined,
      d.bootMedium ? 'BOOT MEDIUM' : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    lines.push(`  ${d.path}  ${formatBytes(d.sizeBytes)}  ${flags}, ${sectors}`);
    const id = [d.vendor, d.model, d.serial ? `serial ${d.serial}` : undefined, d.wwn ? `wwn ${d.wwn}` : undefined].filter(Boolean).join(' ');
    if (id) lines.push(`    ${id}`);
    for (const l of d.byId) lines.push(`    by-id:   ${l}`);
    for (const l of d.byPath) lines.push(`    by-path: ${l}`);
    lines.push(`    holds:   ${describeContents(d)}`);
  }
  lines.push('', `network interfaces (${f.nics?.length ?? 0}):`);
  for (const n of f.nics ?? []) {
    lines.push(
      `  ${n.name}  ${n.mac}${n.currentMac ? ` (now ${n.currentMac})` : ''}  ${n.driver ?? 'unknown driver'}  ${n.link ? `link${n.speedMbps ? ` ${n.speedMbps} Mb/s` : ''}` : 'no link'}`,
    );
  }
  return `${lines.map(safeText).join('\n')}\n`;
}

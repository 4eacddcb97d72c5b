import { formatBytes } from '../../core/sizes.js';
import { safeText } from '../../core/text.js';
import type { InstallPlan } from './types.js';

const ROLE_WORDS: Record<string, string> = {
  'bios-boot': 'BIOS boot (GRUB core)',
  esp: 'EFI system partition',
  boot: '/boot (unencrypted: kernel and initramfs)',
  lvm: 'LVM physical volume',
  swap: 'swap',
  root: 'root filesystem',
  zfs: 'ZFS pool member',
};

/** Unpartitioned space below this is the backup GPT and alignment, not worth a line. */
const UNUSED_SHOWN_FROM_BYTES = 16 * 2 ** 20;

function pad(s: string, n: number): string {
  return s.padEnd(n);
}

/**
 * The plan for an operator: refusals first, then what will be WIPED, then the disks chosen and
 * why, the layout, network, accounts, files, boot and the steps. Every line is escaped.
 */
export function formatPlan(plan: InstallPlan, where: (path: string) => string = (p) => p): string {
  const out: string[] = [];
  const m = plan.machine;
  out.push(`DebVisor install plan for ${plan.node.fqdn}`);
  const box = [m.vendor, m.product, m.serial ? `serial ${m.serial}` : undefined].filter(Boolean).join(' ');
  out.push(
    `machine: ${box || 'unknown'}; firmware ${m.firmware === 'uefi' ? `UEFI${m.secureBoot === undefined ? '' : `, Secure Boot ${m.secureBoot ? 'on' : 'off'}`}` : m.firmware === 'bios' ? 'BIOS' : 'unknown'}${m.memoryBytes ? `; memory ${formatBytes(m.memoryBytes)}` : ''}`,
  );
  out.push('');
  if (!plan.ok) {
    out.push(
      `REFUSED: ${plan.errors.length} problem${plan.errors.length === 1 ? '' : 's'}; nothing will be touched until ${plan.errors.length === 1 ? 'it is' : 'they are'} fixed.`,
    );
    for (const e of plan.errors) out.push(`  ${where(e.path)}: ${e.message}${e.hint ? ` (${e.hint})` : ''}`);
    out.push('');
  }
  if (plan.wipe.length) {
    out.push(plan.ok ? 'WILL BE WIPED (everything on these disks is lost):' : 'would be wiped (everything on these disks would be lost):');
    for (const w of plan.wipe)
      out.push(`  ${w.path}  ${formatBytes(w.sizeBytes)}${w.model ? `  ${w.model}` : ''}${w.serial ? `  serial ${w.serial}` : ''}  holds: ${w.holds}`);
    out.push('');
  }
  const sel = plan.disks;
  const match = Object.entries(sel.match)
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(', ');
  out.push(
    `disks: install.disks.match { ${match} }, expect ${sel.expect}; ${sel.chosen.length === sel.expect ? `chose ${sel.chosen.join(', ')}` : `matched ${sel.candidates.filter((c) => c.matched).length}`}`,
  );
  if (sel.candidates.length === 0) out.push('  (the machine has no disk)');
  for (const c of sel.candidates) out.push(`  ${c.matched ? '+' : '-'} ${c.description}; holds: ${c.holds}`, `      ${c.why.join('; ')}`);
  out.push('');
  for (const d of plan.partitions) {
    out.push(`partitions of ${d.disk} (GPT, ${d.logicalSectorSize}-byte sectors):`);
    for (const x of d.partitions) out.push(`  ${pad(x.device, 20)} ${pad(formatBytes(x.sizeBytes), 11)} ${pad(x.typeCode, 5)} ${ROLE_WORDS[x.role]}`);
    if (d.unusedBytes > UNUSED_SHOWN_FROM_BYTES) out.push(`  ${pad('(unused)', 20)} ${formatBytes(d.unusedBytes)}`);
  }
  if (plan.partitions.length) out.push('');
  for (const a of plan.raid) out.push(`raid: ${a.device} ${a.level} (mdadm) of ${a.members.join(', ')}: ${formatBytes(a.sizeBytes)} for ${a.holds}`);
  if (plan.raid.length) out.push('');
  const s = plan.storage;
  if (s?.kind === 'lvm-thin') {
    out.push(`storage: LVM-thin, volume group ${s.vg} on ${s.pv} (${formatBytes(s.vgBytes)})`);
    for (const v of s.volumes)
      out.push(`  ${pad(v.name, 6)} ${pad(formatBytes(v.sizeBytes), 11)} ${v.purpose}${v.metadataBytes ? ` (metadata ${formatBytes(v.metadataBytes)})` : ''}`);
    out.push(`  ${pad('free', 6)} ${pad(formatBytes(s.freeBytes), 11)} left in the volume group for snapshots`);
  } else if (s?.kind === 'zfs') {
    out.push(
      `storage: ZFS pool ${s.pool} (${formatBytes(s.sizeBytes)}), ashift ${s.ashift}, compression ${s.compression}${s.arcMaxBytes ? `, ARC at most ${formatBytes(s.arcMaxBytes)}` : ''}`,
    );
    for (const v of s.vdevs) out.push(`  ${v.type}: ${v.devices.join(', ')}`);
    for (const d of s.datasets) out.push(`  ${pad(d.name, 24)} ${pad(d.mount, 12)} ${d.purpose}`);
  } else if (s?.kind === 'plain') {
    out.push(
      `storage: ${s.filesystem} on ${s.root} (${formatBytes(s.rootBytes)})${s.swap ? `, swap on ${s.swap} (${formatBytes(s.swapBytes)})` : ', no swap'}`,
    );
  }
  const e = plan.encryption;
  if (s && e === 'none') out.push('encryption: none');
  else if (s && e !== 'none') {
    const tpm = {
      enrol: 'TPM 2.0 enrolled as a second key (PCR 7)',
      'not asked': 'no TPM',
      'no TPM 2.0': 'TPM asked for, but the machine has no TPM 2.0',
      unknown: 'TPM asked for, but the facts do not say whether there is one',
    }[e.tpm2];
    out.push(
      `encryption: LUKS2 on ${e.device}, opened as ${e.opened} (${e.holds === 'lvm' ? 'the LVM physical volume' : 'the root filesystem'}); ${e.cipher}, ${e.keyBits}-bit key, ${e.pbkdf}`,
      `  unlocked at boot by the passphrase (asked on the console); ${tpm}; /boot on ${e.boot} and the ESP stay unencrypted`,
    );
  }
  if (plan.filesystems.length) {
    out.push('filesystems:');
    for (const f of plan.filesystems) out.push(`  ${pad(f.device, 24)} ${pad(f.type, 5)} ${f.mount}`);
    out.push('');
  }
  const n = plan.network;
  if (n) {
    out.push(
      `network (${n.stack}): address on ${n.addressOn}; IPv4 ${n.ipv4.method}${n.ipv4.address ? ` ${n.ipv4.address}` : ''}${n.ipv4.gateway ? ` via ${n.ipv4.gateway}` : ''}; IPv6 ${n.ipv6.method}${n.ipv6.address ? ` ${n.ipv6.address}` : ''}${n.ipv6.gateway ? ` via ${n.ipv6.gateway}` : ''}`,
    );
    if (n.bond) out.push(`  bond ${n.bond.name} (${n.bond.mode}${n.bond.xmitHashPolicy ? `, ${n.bond.xmitHashPolicy}` : ''}) of ${n.bond.members.join(', ')}`);
    if (n.bridge) out.push(`  bridge ${n.bridge.name} over ${n.bridge.ports.join(', ')}${n.bridge.vlanAware ? ', VLAN-aware' : ''}`);
    if (n.vlan) out.push(`  VLAN ${n.vlan.id} on ${n.vlan.device}`);
    if (n.mtu) out.push(`  MTU ${n.mtu}`);
    if (n.dns.servers.length || n.dns.search.length)
      out.push(`  DNS ${n.dns.servers.join(', ') || 'from DHCP'}${n.dns.search.length ? `; search ${n.dns.search.join(', ')}` : ''}`);
    for (const i of n.interfaces)
      out.push(`  ${pad(i.name, 16)} ${i.mac}${i.pinnedName ? ` pinned as ${pad(i.pinnedName, 16)}` : ''} ${pad(i.role, 12)} ${i.link ? 'link' : 'no link'}`);
    out.push('');
  }
  const a = plan.accounts.admin;
  out.push(
    `accounts: root locked; ${a.name} in ${a.groups.join(', ')}, ${a.sshKeys} SSH key${a.sshKeys === 1 ? '' : 's'}, ${a.password ? 'password hash set' : 'no password'}, TOTP ${a.totp ? 'required' : 'off'}`,
  );
  if (plan.files.length) {
    out.push('', `files of the hardened defaults (${plan.files.length}):`);
    for (const f of plan.files)
      out.push(f.absent ? `  remove ${f.path}` : `  ${f.mode} ${pad(f.owner, 6)} ${f.path}${f.check ? ` (checked with ${f.check})` : ''}`);
    out.push(`files the installer writes: ${plan.systemFiles.join(', ')}`);
  }
  if (plan.bootloaders.length) {
    out.push('', 'boot:');
    for (const b of plan.bootloaders) out.push(`  ${pad(b.kind, 13)} ${b.disk}: ${b.target}`);
    out.push(`  kernel arguments: ${plan.kernelArgs.join(' ') || '(none besides the console)'}`);
    out.push(`first boot: ${plan.firstBootUnits.join(', ')}; enabled: ${plan.enabledUnits.join(', ')}`);
  }
  if (plan.notes.length) {
    out.push('', 'notes:');
    for (const x of plan.notes) out.push(`  - ${x}`);
  }
  if (plan.steps.length) {
    out.push('', 'steps:');
    for (const [i, st] of plan.steps.entries()) out.push(`  ${String(i + 1).padStart(2)}. ${pad(st.id, 20)} ${st.does}`);
    out.push('', `on error: ${plan.onError}; at the end: ${plan.finish}`);
  }
  return `${out
    .map(safeText)
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

import type { Profile } from '../../profiles/schema/profile.js';
import { describeContents, type DiskFacts, type HardwareFacts } from '../../profiles/facts.js';
import { checkHardware, matchedDisks } from '../../profiles/rules/hardware.js';
import { describeDisk } from '../../profiles/rules/select.js';
import { finding } from '../../profiles/rules/types.js';
import { ADMIN_GROUP } from '../../overlays/ssh/sshd.js';
import { renderFiles } from '../../overlays/render.js';
import { formatBytes, parseSize } from '../../core/sizes.js';
import type { Finding } from '../../core/issue.js';
import { planStorage } from './storage.js';
import { planNetwork } from './network.js';
import { planBootloaders, planKernelArgs, FIRST_BOOT_UNITS, ENABLED_UNITS, SYSTEM_FILES } from './boot.js';
import { planSteps } from './steps.js';
import type { AccountsPlan, DiskSelection, EncryptionPlan, InstallPlan, MachineSummary, PlannedFile, WipedDisk } from './types.js';

function machine(f: HardwareFacts): MachineSummary {
  return {
    firmware: f.firmware?.mode ?? 'unknown',
    ...(f.firmware?.secureBoot === undefined ? {} : { secureBoot: f.firmware.secureBoot }),
    ...(f.dmi?.vendor ? { vendor: f.dmi.vendor } : {}),
    ...(f.dmi?.product ? { product: f.dmi.product } : {}),
    ...(f.dmi?.serial ? { serial: f.dmi.serial } : {}),
    ...(f.cpu?.model ? { cpu: f.cpu.model } : {}),
    ...(f.memory ? { memoryBytes: f.memory.totalBytes } : {}),
  };
}

function wiped(d: DiskFacts): WipedDisk {
  return {
    path: d.path,
    sizeBytes: d.sizeBytes,
    ...(d.model ? { model: d.model } : {}),
    ...(d.serial ? { serial: d.serial } : {}),
    ...(d.byId[0] ? { byId: d.byId[0] } : {}),
    holds: describeContents(d),
  };
}

function accounts(p: Profile): AccountsPlan {
  const a = p.users.admin;
  return {
    root: 'locked',
    admin: { name: a.name, groups: ['sudo', ADMIN_GROUP], sshKeys: a.sshKeys.length, password: a.passwordHash !== undefined, totp: a.mfa.totp },
  };
}

function files(p: Profile): PlannedFile[] {
  return renderFiles(p).map((f) => ({
    id: f.id,
    path: f.path,
    mode: f.mode.toString(8).padStart(4, '0'),
    owner: f.owner,
    ...(f.checkName ? { check: f.checkName } : {}),
    ...(f.absent ? { absent: true } : {}),
  }));
}

/** Whether the TPM 2.0 is enrolled: only when asked and the facts show one; a note says why not otherwise. */
function tpm2(e: EncryptionPlan, f: HardwareFacts, notes: string[]): EncryptionPlan {
  if (e.tpm2 === 'not asked') return e;
  const version = f.tpm?.version;
  if (version === '2.0') {
    notes.push(
      'the TPM 2.0 is enrolled as a second key (PCR 7); the initramfs (initramfs-tools) still asks for the passphrase at boot: unlocking by the TPM alone needs a systemd initramfs',
    );
    return { ...e, tpm2: 'enrol' };
  }
  notes.push(
    version === undefined
      ? 'install.storage.encryption.tpm2 is set, but the facts do not say whether the machine has a TPM: no TPM is enrolled, only the passphrase unlocks the disks (gather the facts again with this version)'
      : `install.storage.encryption.tpm2 is set, but the machine has ${version === 'none' ? 'no TPM' : 'only a TPM 1.2'}: no TPM is enrolled, only the passphrase unlocks the disks`,
  );
  return { ...e, tpm2: version === undefined ? 'unknown' : 'no TPM 2.0' };
}

function machineNotes(p: Profile, f: HardwareFacts, disks: readonly DiskFacts[]): string[] {
  const notes: string[] = [];
  if (f.cpu?.virtualization === 'none')
    notes.push('the CPU offers no hardware virtualization (vmx or svm): guests will run without KVM, very slowly; check the firmware settings');
  if (!f.firmware) notes.push('the facts do not say how the machine boots: the disks get both BIOS and UEFI boot code anyway');
  const { storage } = p.install;
  if (storage.filesystem === 'zfs') {
    if (!f.image) notes.push('the facts do not say whether the installer image carries ZFS');
    if (parseSize(storage.swapSize) > 0) notes.push(`no swap on ZFS (swap on a zvol can hang under memory pressure): swapSize ${storage.swapSize} is not used`);
    for (const d of disks)
      if (2 ** storage.zfs.ashift < d.physicalSectorSize)
        notes.push(`ashift ${storage.zfs.ashift} is below the ${d.physicalSectorSize}-byte physical sectors of ${d.path}: writes will be slower`);
  }
  const sizes = new Set(disks.map((d) => d.sizeBytes));
  if (disks.length > 1 && sizes.size > 1)
    notes.push(`the disks differ in size: each array member uses what the smallest (${formatBytes(Math.min(...sizes))}) offers`);
  for (const d of disks) if (d.removable || d.transport === 'usb') notes.push(`${d.path} is a removable or USB disk`);
  return notes;
}

/**
 * Pure: what installing `profile` on the machine `facts` describes will do, as plain data. The
 * hardware rules (profiles/rules/hardware.ts, in the validator's RULES, so validateProfile with facts refuses the same) decide
 * what is refused; a disk selector that does not match exactly `expect` disks stops the plan
 * there, listing every disk. A plan with errors has no steps.
 */
export function planInstall(profile: Profile, facts: HardwareFacts): InstallPlan {
  const p = profile;
  const errors: Finding[] = [];
  const notes: string[] = [];
  if (!facts.disks)
    errors.push(
      finding(
        '/install/disks',
        'E_FACTS_NO_DISKS',
        'the facts list no disks, so nothing can be planned',
        'gather the facts with debvisor facts on the machine itself',
      ),
    );
  if (!facts.nics)
    errors.push(
      finding('/network/interface', 'E_FACTS_NO_NICS', 'the facts list no network interfaces', 'gather the facts with debvisor facts on the machine itself'),
    );
  errors.push(...checkHardware(p, facts));
  const sel = matchedDisks(p, facts);
  const selection: DiskSelection = {
    match: { ...p.install.disks.match },
    expect: p.install.disks.expect,
    candidates: sel.candidates.map((c) => ({
      path: c.device.path,
      sizeBytes: c.device.sizeBytes,
      description: describeDisk(c.device),
      matched: c.matched,
      why: c.excluded ? [c.excluded] : c.checks.length ? c.checks.map((x) => `${x.ok ? '' : 'not: '}${x.says}`) : ['the selector is empty: every disk matches'],
      holds: describeContents(c.device),
    })),
    chosen: sel.disks.map((d) => d.path),
  };
  const base = {
    errors,
    notes,
    node: {
      hostname: p.node.hostname ?? '(from DHCP)',
      fqdn: p.node.hostname && p.node.domain ? `${p.node.hostname}.${p.node.domain}` : (p.node.hostname ?? '(from DHCP)'),
    },
    machine: machine(facts),
    disks: selection,
    encryption: 'none' as const,
    accounts: accounts(p),
    finish: p.install.finish,
    onError: p.install.onError,
    kernelArgs: planKernelArgs(p),
  };
  if (sel.disks.length === 0 || sel.disks.length !== p.install.disks.expect) {
    return {
      ok: false,
      ...base,
      wipe: [],
      partitions: [],
      raid: [],
      filesystems: [],
      files: [],
      systemFiles: [],
      bootloaders: [],
      firstBootUnits: [],
      enabledUnits: [],
      steps: [],
    };
  }
  notes.push(...machineNotes(p, facts, sel.disks));
  const layout = planStorage(p, sel.disks);
  const network = planNetwork(p, facts, notes);
  const bootloaders = planBootloaders(facts, layout.partitions, notes);
  const encryption: InstallPlan['encryption'] = layout.encryption === 'none' ? 'none' : tpm2(layout.encryption, facts, notes);
  const parts = {
    wipe: sel.disks.map(wiped),
    partitions: layout.partitions,
    raid: layout.raid,
    storage: layout.storage,
    filesystems: layout.filesystems,
    encryption,
    ...(network ? { network } : {}),
    accounts: base.accounts,
    files: files(p),
    bootloaders,
    firstBootUnits: [...FIRST_BOOT_UNITS],
    enabledUnits: [...ENABLED_UNITS],
    finish: p.install.finish,
  };
  const ok = errors.length === 0;
  return {
    ok,
    ...base,
    ...parts,
    systemFiles: encryption === 'none' ? [...SYSTEM_FILES] : [...SYSTEM_FILES, '/etc/crypttab'],
    steps: ok ? planSteps(parts) : [],
  };
}

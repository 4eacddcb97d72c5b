import type { InstallPlan, PlanStep } from './types.js';

type Parts = Pick<
  InstallPlan,
  | 'wipe'
  | 'partitions'
  | 'raid'
  | 'storage'
  | 'filesystems'
  | 'encryption'
  | 'network'
  | 'accounts'
  | 'files'
  | 'bootloaders'
  | 'firstBootUnits'
  | 'enabledUnits'
  | 'finish'
>;

/**
 * The ordered steps the executor follows, each named by a verb, in plain words. Nothing is
 * written before `check-disks` has found the very disks this plan was made for.
 */
export function planSteps(p: Parts): PlanStep[] {
  const disks = p.partitions.map((d) => d.disk).join(', ');
  const steps: PlanStep[] = [
    { id: 'check-disks', does: `read the disks again and stop unless ${disks} are the disks planned (same size and serial)` },
    { id: 'wipe-disks', does: `erase every signature on ${p.wipe.map((w) => w.path).join(', ')} and their partitions (wipefs, sgdisk --zap-all)` },
    { id: 'partition-disks', does: `write a GPT on ${disks}: ${p.partitions[0]!.partitions.map((x) => x.name).join(', ')}` },
  ];
  if (p.raid.length)
    steps.push({
      id: 'create-raid',
      does: `create ${p.raid.map((a) => `${a.device} (${a.level} of ${a.members.join(', ')})`).join(' and ')} with mdadm, each with a write-intent bitmap`,
    });
  const e = p.encryption === 'none' ? undefined : p.encryption;
  if (e) {
    steps.push({
      id: 'encrypt-system',
      does: `format ${e.device} as LUKS2 (${e.cipher}, ${e.keyBits}-bit key, ${e.pbkdf}) with the passphrase and open it as ${e.opened}`,
    });
    if (e.tpm2 === 'enrol') steps.push({ id: 'enrol-tpm2', does: `enrol the TPM 2.0 as a second key of ${e.device} (systemd-cryptenroll, PCR 7)` });
  }
  const s = p.storage;
  if (s?.kind === 'lvm-thin')
    steps.push({
      id: 'create-lvm',
      does: `make ${s.pv} a physical volume, volume group ${s.vg}, volumes ${s.volumes.map((v) => v.name).join(', ')} (data as a thin pool)`,
    });
  if (s?.kind === 'zfs')
    steps.push({
      id: 'create-zfs-pool',
      does: `create pool ${s.pool} (${s.vdevs.map((v) => v.type).join(' + ')}, ashift ${s.ashift}, compression ${s.compression}) and its datasets`,
    });
  steps.push(
    {
      id: 'make-filesystems',
      does: p.filesystems
        .filter((f) => f.type !== 'zfs')
        .map((f) => `${f.type} on ${f.device}`)
        .join(', '),
    },
    { id: 'mount-target', does: `mount the new root${e ? ', /boot' : ''} and ESP under /target` },
    { id: 'copy-system', does: "unpack the live system's squashfs into /target (unsquashfs)" },
    { id: 'remove-live-packages', does: 'remove the packages only the live system needs' },
    { id: 'write-fstab', does: 'write /etc/fstab by UUID' },
    ...(e
      ? [
          {
            id: 'write-crypttab',
            does: `write /etc/crypttab: ${e.name} from ${e.device} by its LUKS UUID, asked for at boot by the initramfs (cryptsetup-initramfs)`,
          },
        ]
      : []),
    {
      id: 'write-network',
      does: `write the network (${p.network ? `${p.network.stack}, address on ${p.network.addressOn}` : 'as planned'}), .link files pinning names by MAC, hostname and /etc/hosts`,
    },
    { id: 'make-node-unique', does: 'new machine-id and new SSH host keys (nothing node-unique comes from the image)' },
    { id: 'create-accounts', does: `lock root; create ${p.accounts.admin.name} in ${p.accounts.admin.groups.join(', ')}` },
    { id: 'render-defaults', does: `write the ${p.files.length} files of the hardened defaults, each checked by its daemon's tool` },
    {
      id: 'update-initramfs',
      does: e
        ? "install the node's initramfs built with the image, with the crypttab added for cryptsetup-initramfs (update-initramfs where the image has none)"
        : "install the node's initramfs built with the image, without the live parts (update-initramfs where the image has none)",
    },
    { id: 'install-bootloaders', does: `${[...new Set(p.bootloaders.map((b) => b.kind))].join(', ')} on ${disks}, and the GRUB menu (grub-mkconfig)` },
    {
      id: 'enable-units',
      does: `enable ${[...p.firstBootUnits, ...p.enabledUnits].join(', ')}; make Node's start snapshot for first boot; mark /etc and /var up to date with /usr (first boot skips ldconfig, catalog and sysusers)`,
    },
    { id: 'save-profile', does: 'save the effective profile, secrets removed, as /etc/debvisor/installed-profile.yaml, and its checked form for first boot' },
    { id: 'save-logs', does: 'copy the install log and events to /var/log/debvisor/' },
    { id: 'finish', does: `unmount /target${e ? `, close ${e.name}` : ''} and ${p.finish}` },
  );
  return steps;
}

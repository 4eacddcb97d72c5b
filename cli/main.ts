import type { CommandEntry, Io } from '../core/cli/command.js';
import { runCli } from '../core/cli/run-cli.js';

/**
 * The command table: the program's entry is the one place that knows every feature's commands.
 * Each row names a command file; `load` imports it (and its feature's modules) only when that
 * command runs, so `--version` and `--help` load none of them. A test checks that every row's
 * words and summary match the file it loads.
 */
export const COMMANDS: readonly CommandEntry[] = [
  {
    words: ['profile', 'validate'],
    summary: 'check profiles (schema and meaning) and report every problem with file:line:col',
    load: () => import('../profiles/commands/profile-validate.js'),
  },
  {
    words: ['profile', 'show'],
    summary: 'print the effective profile: parents merged, defaults applied, secrets redacted',
    load: () => import('../profiles/commands/profile-show.js'),
  },
  {
    words: ['profile', 'schema'],
    summary: 'print the profile JSON Schema (the same file as profiles/profile.schema.json)',
    load: () => import('../profiles/commands/profile-schema.js'),
  },
  {
    words: ['profile', 'sign'],
    summary: 'sign a profile with an SSH key (ssh-keygen -Y sign): writes PROFILE.sig for images built with allowed signers',
    load: () => import('../profiles/commands/profile-sign.js'),
  },
  {
    words: ['profile', 'serve'],
    summary: 'answer installers over HTTPS: the profile for each machine by DMI UUID, serial or MAC from its POSTed facts, else default.yaml',
    load: () => import('../installer/commands/profile-serve.js'),
  },
  {
    words: ['render'],
    summary: "write a node's hardened configuration (firewall, IDS, SSH, sudo, panel) from a profile under a root directory",
    load: () => import('../overlays/commands/render.js'),
  },
  {
    words: ['firewall', 'compile'],
    summary: 'print the nftables ruleset compiled from the firewall model',
    load: () => import('../overlays/firewall/commands/firewall-compile.js'),
  },
  {
    words: ['firewall', 'check'],
    summary: 'check the firewall model and its compiled ruleset (nft -c) without applying anything',
    load: () => import('../overlays/firewall/commands/firewall-check.js'),
  },
  {
    words: ['firewall', 'apply'],
    summary: 'load the ruleset atomically; it rolls back by itself unless confirmed in time',
    load: () => import('../overlays/firewall/commands/firewall-apply.js'),
  },
  {
    words: ['firewall', 'confirm'],
    summary: 'keep the ruleset of the last apply (it is then also loaded at boot)',
    load: () => import('../overlays/firewall/commands/firewall-confirm.js'),
  },
  {
    words: ['firewall', 'rollback'],
    summary: 'undo a pending apply now (apply arms this itself with --after)',
    load: () => import('../overlays/firewall/commands/firewall-rollback.js'),
  },
  {
    words: ['firewall', 'status'],
    summary: 'show whether the firewall is loaded, its policy, lockdown, set sizes, bans and a pending apply',
    load: () => import('../overlays/firewall/commands/firewall-status.js'),
  },
  {
    words: ['firewall', 'ban'],
    summary: 'drop all traffic from an address or CIDR for a while (default 1h)',
    load: () => import('../overlays/firewall/commands/firewall-ban.js'),
  },
  { words: ['firewall', 'unban'], summary: 'lift a ban', load: () => import('../overlays/firewall/commands/firewall-unban.js') },
  {
    words: ['firewall', 'lockdown'],
    summary: 'turn lockdown on (management ports only from the management set) or off, and apply',
    load: () => import('../overlays/firewall/commands/firewall-lockdown.js'),
  },
  {
    words: ['mfa', 'enroll'],
    summary: 'create a TOTP secret and recovery codes for a user; shows a QR code to scan',
    load: () => import('../overlays/ssh/commands/mfa-enroll.js'),
  },
  {
    words: ['ssh', 'hostkeys'],
    summary: 'generate missing SSH host keys (ed25519, RSA 4096; removes ECDSA and DSA) or rotate them',
    load: () => import('../overlays/ssh/commands/ssh-hostkeys.js'),
  },
  {
    words: ['tls', 'self-signed'],
    summary: "make the panel's stand-in certificate (ECDSA P-256) until ACME delivers one",
    load: () => import('../overlays/panel/commands/tls-self-signed.js'),
  },
  {
    words: ['audit'],
    summary: "check a node's security settings (SSH, root, MFA, firewall, panel TLS, certificate) and grade them A to F",
    load: () => import('../overlays/audit/commands/audit.js'),
  },
  {
    words: ['facts'],
    summary: "show this machine's hardware facts (disks, interfaces, CPU, memory, firmware) read-only; --out saves them for planning elsewhere",
    load: () => import('../installer/commands/facts.js'),
  },
  {
    words: ['install', 'plan'],
    summary: 'show what installing a profile on a machine would do (disks wiped, partitions, storage, network, files, steps); touches nothing',
    load: () => import('../installer/commands/install-plan.js'),
  },
  {
    words: ['install', 'apply'],
    summary: 'install DebVisor on this machine from a profile: wipes the planned disks, copies the system, writes the node (needs --yes)',
    load: () => import('../installer/commands/install-apply.js'),
  },
  {
    words: ['install', 'unattended'],
    summary: 'find the profile (kernel command line, DEBVISOR-PROFILE stick, embedded, DHCP), check it, plan and install (the unattended boot entry runs this)',
    load: () => import('../installer/commands/install-unattended.js'),
  },
  {
    words: ['install', 'live-network'],
    summary: 'live system only: DHCP on every Ethernet link with a carrier when the boot configured no network (the live boot runs this)',
    load: () => import('../installer/commands/install-live-network.js'),
  },
  {
    words: ['install', 'tui'],
    summary: 'the interactive installer (keyboard only, 80x25, serial console): fills a profile, shows the plan, installs through install apply',
    load: () => import('../installer/commands/install-tui.js'),
  },
  {
    words: ['firstboot'],
    summary: "run a node's first-boot steps once (DNS, certificate, cluster, hooks, hand-off); the timer reruns it until all are done",
    load: () => import('../firstboot/commands/firstboot.js'),
  },
  {
    words: ['status'],
    summary: "show the node's first-boot state: each step, the certificate's issuer and expiry, DNS records, cluster",
    load: () => import('../firstboot/commands/status.js'),
  },
  {
    words: ['dns', 'keygen'],
    summary: 'print a new TSIG key for a node and the Knot ACL and BIND update-policy that let it change only its own names',
    load: () => import('../firstboot/commands/dns-keygen.js'),
  },
  {
    words: ['cert', 'renew'],
    summary:
      "renew the panel's ACME certificate when due (inside the CA's ARI window, else at two thirds of its lifetime), or now with --force; the timer runs this twice a day",
    load: () => import('../firstboot/commands/cert-renew.js'),
  },
  {
    words: ['cert', 'status'],
    summary: "show the panel certificate: names, issuer, expiry, when renewal is due and why (the CA's ARI window or two thirds), the last renewal error",
    load: () => import('../firstboot/commands/cert-status.js'),
  },
  {
    words: ['cluster', 'init'],
    summary: 'found a cluster on this node: CA, certificates, corosync authkey and corosync.conf, then start corosync',
    load: () => import('../cluster/commands/cluster-init.js'),
  },
  {
    words: ['cluster', 'ca-pin'],
    summary: "print the cluster CA's pin (sha256: of its certificate) for a joining node's profile",
    load: () => import('../cluster/commands/cluster-ca-pin.js'),
  },
  {
    words: ['cluster', 'token'],
    summary: 'create, list or revoke join tokens (stored hashed; single-use and 1h unless told otherwise)',
    load: () => import('../cluster/commands/cluster-token.js'),
  },
  {
    words: ['cluster', 'serve'],
    summary: 'run the join API (debvisor-join.service): token joins and mTLS calls between members',
    load: () => import('../cluster/commands/cluster-serve.js'),
  },
  {
    words: ['cluster', 'join'],
    summary: 'join a cluster by hand (first boot does this from the profile): pin check, token, CSR',
    load: () => import('../cluster/commands/cluster-join.js'),
  },
  {
    words: ['cluster', 'status'],
    summary: 'show the cluster: members, quorum, links and certificate expiry',
    load: () => import('../cluster/commands/cluster-status.js'),
  },
  {
    words: ['cluster', 'nodes'],
    summary: 'list the cluster members: node id, name, FQDN, address',
    load: () => import('../cluster/commands/cluster-nodes.js'),
  },
  {
    words: ['cluster', 'leave'],
    summary: 'leave the cluster: the CA holder revokes this node and updates the others; corosync stops here',
    load: () => import('../cluster/commands/cluster-leave.js'),
  },
  {
    words: ['cluster', 'remove'],
    summary: "remove a member: revoke its certificate, drop it from corosync and the firewall's cluster set everywhere",
    load: () => import('../cluster/commands/cluster-remove.js'),
  },
  {
    words: ['build'],
    summary: 'build the DebVisor ISO, netboot files, checksums, SBOM and build report (as root)',
    load: () => import('../builder/commands/build.js'),
  },
  {
    words: ['iso', 'embed-profile'],
    summary: 'write a new ISO that boots straight into the unattended install with a profile (no rebuild; xorriso)',
    load: () => import('../builder/commands/iso-embed-profile.js'),
  },
];

export function main(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  return runCli(COMMANDS, argv, io);
}

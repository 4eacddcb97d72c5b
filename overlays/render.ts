import { stringify } from 'yaml';
import type { RenderedFile } from '../core/fileset.js';
import type { Profile } from '../profiles/schema/profile.js';
import { TRIXIE, type TargetFacts } from '../core/facts.js';
import { renderPanelSite, renderStatusPage, PANEL_SITE, DEFAULT_SITE, STATUS_ROOT } from './panel/nginx.js';
import {
  renderSshdDropin,
  renderPamSshd,
  renderAuthorizedKeys,
  renderBanner,
  renderSudoers,
  renderUserCaKeys,
  SSHD_DROPIN,
  PAM_SSHD,
  USER_CA_KEYS,
} from './ssh/sshd.js';
import { firewallFileFrom, FIREWALL_FILE } from '../profiles/firewall/node-file.js';
import { compileRuleset, RULESET_FILE } from './firewall/compile.js';
import { renderFail2banAction, renderFail2banJail, renderFail2banPanelFilter, F2B_ACTION, F2B_PANEL_FILTER } from './firewall/fail2ban.js';
import { FAIL2BAN_CHECK, NFT_CHECK, VISUDO_CHECK, nginxCheck, sshdCheck, type FileCheck } from './checks.js';

/** What the target system itself decides about paths (read off its files, not the profile). */
export interface TargetLayout {
  /** The admin's home directory from the target's /etc/passwd; `/home/NAME` for a new account. */
  adminHome?: string;
}

interface FileSpec {
  id: string;
  absent?: boolean;
  path: string | ((p: Profile, layout: TargetLayout) => string);
  mode: number;
  /** 'admin' means the profile's admin user. */
  owner?: 'admin';
  /** The tool that validates the file before anything is written (see checks.ts). */
  check?: FileCheck | ((facts: TargetFacts) => FileCheck);
  /** The file's own directory: mode, and whether it belongs to the file's owner. */
  dir?: { mode: number; owned?: boolean };
  /** Only for profiles that ask for it (the file is not written otherwise). */
  when?: (p: Profile) => boolean;
  render: (p: Profile, facts: TargetFacts) => string;
}

/** Every file the hardened defaults consist of, one row each. */
export const FILES: FileSpec[] = [
  {
    id: 'firewall-model',
    path: FIREWALL_FILE,
    mode: 0o644,
    render: (p) =>
      `# DebVisor firewall model, read by \`debvisor firewall\`. Edit it, then run \`debvisor firewall apply\`.\n${stringify(firewallFileFrom(p), { lineWidth: 0 })}`,
  },
  { id: 'firewall-ruleset', path: RULESET_FILE, mode: 0o644, check: NFT_CHECK, render: (p) => compileRuleset(firewallFileFrom(p)) },
  {
    id: 'nftables-conf',
    path: '/etc/nftables.conf',
    mode: 0o755,
    // Loaded by Debian's nftables.service at boot. No `flush ruleset`: other tables (libvirt, CrowdSec) stay.
    render: () => `#!/usr/sbin/nft -f\n# DebVisor: the node firewall lives in ${RULESET_FILE} (generated; see debvisor firewall).\ninclude "${RULESET_FILE}"\n`,
  },
  { id: 'fail2ban-action', path: `/etc/fail2ban/action.d/${F2B_ACTION}.conf`, mode: 0o644, render: () => renderFail2banAction() },
  { id: 'fail2ban-panel-filter', path: `/etc/fail2ban/filter.d/${F2B_PANEL_FILTER}.conf`, mode: 0o644, render: () => renderFail2banPanelFilter() },
  { id: 'fail2ban-jails', path: '/etc/fail2ban/jail.d/debvisor.conf', mode: 0o644, check: FAIL2BAN_CHECK, render: (p) => renderFail2banJail(p) },
  { id: 'sshd-dropin', path: SSHD_DROPIN, mode: 0o644, check: sshdCheck, render: (p, facts) => renderSshdDropin(p, facts) },
  { id: 'pam-sshd', path: PAM_SSHD, mode: 0o644, render: (p) => renderPamSshd(p) },
  { id: 'ssh-user-ca-keys', path: USER_CA_KEYS, mode: 0o644, when: (p) => !!p.security.ssh.userCaKeys?.length, render: (p) => renderUserCaKeys(p) },
  { id: 'ssh-banner', path: '/etc/issue.net', mode: 0o644, render: () => renderBanner() },
  { id: 'sudoers', path: '/etc/sudoers.d/debvisor', mode: 0o440, check: VISUDO_CHECK, render: () => renderSudoers() },
  { id: 'panel-site', path: PANEL_SITE, mode: 0o644, check: nginxCheck, render: (p, facts) => renderPanelSite(p, facts) },
  { id: 'nginx-default-site', path: DEFAULT_SITE, mode: 0o644, absent: true, render: () => '' },
  { id: 'panel-status-page', path: `${STATUS_ROOT}/index.html`, mode: 0o644, render: (p) => renderStatusPage(p) },
  {
    id: 'authorized-keys',
    path: (p, layout) => `${layout.adminHome ?? `/home/${p.users.admin.name}`}/.ssh/authorized_keys`,
    mode: 0o600,
    owner: 'admin',
    dir: { mode: 0o700, owned: true },
    render: (p) => renderAuthorizedKeys(p),
  },
];

/** Pure: the whole set of files for a profile, for a target system with these tool versions. */
export function renderFiles(p: Profile, facts: TargetFacts = TRIXIE, layout: TargetLayout = {}): RenderedFile[] {
  return FILES.filter((f) => f.when?.(p) ?? true).map((f) => {
    const check = typeof f.check === 'function' ? f.check(facts) : f.check;
    return {
      id: f.id,
      path: typeof f.path === 'string' ? f.path : f.path(p, layout),
      content: f.render(p, facts),
      mode: f.mode,
      owner: f.owner === 'admin' ? p.users.admin.name : 'root',
      ...(check ? { check: check.argv, checkName: check.name } : {}),
      ...(f.dir ? { dir: f.dir } : {}),
      ...(f.absent ? { absent: true } : {}),
    };
  });
}

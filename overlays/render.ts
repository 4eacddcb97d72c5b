import { stringify } from 'yaml';
import type { RenderedFile } from '../core/fileset.js';
import type { Profile } from '../profiles/schema/profile.js';
import { firewallFileFrom, FIREWALL_FILE } from './firewall/config.js';
import { compileRuleset } from './firewall/compile.js';
import { renderFail2banAction, renderFail2banJail, renderFail2banPanelFilter, F2B_ACTION, F2B_PANEL_FILTER } from './firewall/fail2ban.js';

export const RULESET_FILE = '/etc/debvisor/firewall/ruleset.nft';

interface FileSpec {
  id: string;
  path: string;
  mode: number;
  check?: string[];
  render: (p: Profile) => string;
}

/** Every file the hardened defaults consist of, one row each. */
export const FILES: FileSpec[] = [
  {
    id: 'firewall-model',
    path: FIREWALL_FILE,
    mode: 0o644,
    render: (p) => `# DebVisor firewall model, read by \`debvisor firewall\`. Edit it, then run \`debvisor firewall apply\`.\n${stringify(firewallFileFrom(p), { lineWidth: 0 })}`,
  },
  { id: 'firewall-ruleset', path: RULESET_FILE, mode: 0o644, check: ['nft', '-c', '-f', '{}'], render: (p) => compileRuleset(firewallFileFrom(p)) },
  {
    id: 'nftables-conf',
    path: '/etc/nftables.conf',
    mode: 0o755,
    // Loaded by Debian's nftables.service at boot. No `flush ruleset`: other tables (libvirt, CrowdSec) stay.
    render: () => `#!/usr/sbin/nft -f\n# DebVisor: the node firewall lives in ${RULESET_FILE} (generated; see debvisor firewall).\ninclude "${RULESET_FILE}"\n`,
  },
  { id: 'fail2ban-action', path: `/etc/fail2ban/action.d/${F2B_ACTION}.conf`, mode: 0o644, render: () => renderFail2banAction() },
  { id: 'fail2ban-panel-filter', path: `/etc/fail2ban/filter.d/${F2B_PANEL_FILTER}.conf`, mode: 0o644, render: () => renderFail2banPanelFilter() },
  { id: 'fail2ban-jails', path: '/etc/fail2ban/jail.d/debvisor.conf', mode: 0o644, render: (p) => renderFail2banJail(p) },
];

/** Pure: the whole set of files for a profile. */
export function renderFiles(p: Profile): RenderedFile[] {
  return FILES.map((f) => ({ id: f.id, path: f.path, content: f.render(p), mode: f.mode, owner: 'root', ...(f.check ? { check: f.check } : {}) }));
}

import { parseDuration } from '../../core/sizes.js';
import type { Profile } from '../../profiles/schema/profile.js';
import { renderTemplate } from '../../core/template.js';
import { TABLE, setName } from './compile.js';
import { BLOCKLIST_SET } from '../../profiles/firewall/sets.js';

export const F2B_ACTION = 'debvisor-blocklist';
export const F2B_PANEL_FILTER = 'debvisor-panel';
export const F2B_PANEL_JAIL = 'debvisor-panel';

const tpl = (name: string, data: object) => renderTemplate(import.meta.url, `templates/${name}`, data);

const common = { table: TABLE, set4: setName(BLOCKLIST_SET, 'ipv4'), set6: setName(BLOCKLIST_SET, 'ipv6') };

export function renderFail2banAction(): string {
  return tpl('fail2ban-action.conf.hbs', common);
}

export function renderFail2banPanelFilter(): string {
  return tpl('fail2ban-panel-filter.conf.hbs', {});
}

export function renderFail2banJail(p: Profile): string {
  const f = p.security.ids.fail2ban;
  return tpl('fail2ban-jail.conf.hbs', {
    ...common,
    action: F2B_ACTION,
    bantime: parseDuration(f.banTime),
    findtime: parseDuration(f.findTime),
    maxretry: f.maxRetry,
    enabled: f.enabled ? 'true' : 'false',
    sshPort: p.security.ssh.port,
    panelJail: F2B_PANEL_JAIL,
    panelFilter: F2B_PANEL_FILTER,
    panelPorts: `${p.security.panel.httpPort},${p.security.panel.httpsPort}`,
  });
}

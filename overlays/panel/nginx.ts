import { atLeast, type TargetFacts } from '../../core/facts.js';
import type { Profile } from '../../profiles/schema/profile.js';
import { renderTemplate } from '../../core/template.js';

export const PANEL_SITE = '/etc/nginx/sites-enabled/debvisor-panel';
export const DEFAULT_SITE = '/etc/nginx/sites-enabled/default';
export const STATUS_ROOT = '/usr/share/debvisor/panel-status';
export const ACME_WEBROOT = '/var/lib/debvisor/acme/http-01';
export const TLS_DIR = '/etc/debvisor/tls';
export const PANEL_CERT = `${TLS_DIR}/panel.crt`;
export const PANEL_KEY = `${TLS_DIR}/panel.key`;
/** Two years, as Mozilla recommends and HSTS preload lists accept. */
export const HSTS_MAX_AGE = 63072000;

/** Mozilla intermediate 6.0: AEAD suites with forward secrecy only (TLS 1.3 suites are OpenSSL's defaults, all AEAD). */
export const TLS12_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
];

const tpl = (name: string, data: object) => renderTemplate(import.meta.url, `templates/${name}`, data);

/** Curves in Mozilla's order; the hybrid post-quantum group needs OpenSSL 3.5. */
export function curves(facts: TargetFacts): string {
  return [...(atLeast(facts.openssl, 3, 5) ? ['X25519MLKEM768'] : []), 'X25519', 'prime256v1', 'secp384r1'].join(':');
}

export function fqdnOf(p: Profile): string {
  return p.node.hostname && p.node.domain ? `${p.node.hostname}.${p.node.domain}` : (p.node.hostname ?? 'debvisor');
}

export function renderPanelSite(p: Profile, facts: TargetFacts): string {
  const panel = p.security.panel;
  return tpl('nginx-panel.conf.hbs', {
    nginxVersion: facts.nginx.join('.'),
    opensslVersion: facts.openssl.join('.'),
    httpPort: panel.httpPort,
    httpsPort: panel.httpsPort,
    httpsPortSuffix: panel.httpsPort === 443 ? '' : `:${panel.httpsPort}`,
    http2Directive: atLeast(facts.nginx, 1, 25),
    acmeWebroot: ACME_WEBROOT,
    certFile: PANEL_CERT,
    keyFile: PANEL_KEY,
    curves: curves(facts),
    ciphers: TLS12_CIPHERS.join(':'),
    hsts: panel.hsts,
    hstsMaxAge: HSTS_MAX_AGE,
    upstreamPort: panel.upstreamPort,
    statusRoot: STATUS_ROOT,
  });
}

export function renderStatusPage(p: Profile): string {
  return tpl('status.html.hbs', { fqdn: fqdnOf(p), clustered: p.cluster.role !== 'standalone' });
}

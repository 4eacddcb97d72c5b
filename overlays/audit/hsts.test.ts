import { describe, it, expect } from 'vitest';
import { fileURLToPath } from 'node:url';
import { validateProfile } from '../../profiles/validate.js';
import { renderPanelSite, HSTS_MAX_AGE } from '../panel/nginx.js';
import { TRIXIE, BOOKWORM } from '../../core/facts.js';
import { hstsContexts } from './hsts.js';

const example = fileURLToPath(new URL('../../profiles/examples/standalone.yaml', import.meta.url));
function site(hsts: boolean, facts = TRIXIE): string {
  const r = validateProfile(example);
  if (!r.ok) throw new Error('invalid');
  r.profile.security.panel.hsts = hsts;
  return renderPanelSite(r.profile, facts);
}

describe('HSTS in every location of the panel site (issue 9, point 18)', () => {
  it('panel.hsts false: no location sends HSTS, the status page included', () => {
    for (const facts of [TRIXIE, BOOKWORM]) {
      expect(site(false, facts)).not.toContain('Strict-Transport-Security');
      const ctx = hstsContexts(site(false, facts));
      expect(ctx.map((c) => c.where)).toEqual(['location /', 'location @status']);
      expect(ctx.every((c) => c.maxAge === undefined)).toBe(true);
    }
  });
  it('panel.hsts true: every location sends two years', () => {
    expect(hstsContexts(site(true)).map((c) => c.maxAge)).toEqual([HSTS_MAX_AGE, HSTS_MAX_AGE]);
  });
  it('a location with its own add_header but no HSTS does not inherit the server one', () => {
    const text =
      'server {\n listen 443 ssl;\n ssl_certificate /c;\n add_header Strict-Transport-Security "max-age=63072000" always;\n location / { proxy_pass http://x; }\n location /a { add_header X-Frame-Options "DENY"; }\n}\nserver { listen 80; location / { return 301 https://$host; } }\n';
    expect(hstsContexts(text)).toEqual([
      { where: 'location /', maxAge: 63072000 },
      { where: 'location /a', maxAge: undefined },
    ]);
  });
});

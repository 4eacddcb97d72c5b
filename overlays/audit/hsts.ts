/**
 * Which HSTS header each part of the HTTPS server sends. nginx does not merge add_header: a
 * location with any add_header of its own sends only its own, so the server's HSTS reaches
 * just the locations without one. The audit reads every location, not the first match.
 */
export interface HstsContext {
  /** `server` or `location <match>`. */
  where: string;
  /** max-age sent there, undefined when no HSTS header is. */
  maxAge: number | undefined;
}

const HSTS = /^\s*add_header\s+Strict-Transport-Security\s+"max-age=(\d+)[^"]*"/im;

/** Blocks `<head> { ... }` directly inside `text`, with their bodies; the rest is the text's own directives. */
function blocks(text: string): { own: string; children: { head: string; body: string }[] } {
  const children: { head: string; body: string }[] = [];
  let own = '';
  let i = 0;
  let start = 0;
  while (i < text.length) {
    const open = text.indexOf('{', i);
    if (open < 0) break;
    const headStart = Math.max(text.lastIndexOf(';', open), text.lastIndexOf('}', open)) + 1;
    let depth = 1;
    let j = open + 1;
    for (; j < text.length && depth > 0; j++) {
      if (text[j] === '{') depth++;
      else if (text[j] === '}') depth--;
    }
    own += text.slice(start, headStart);
    children.push({ head: text.slice(headStart, open).trim(), body: text.slice(open + 1, j - 1) });
    i = j;
    start = j;
  }
  own += text.slice(start);
  return { own, children };
}

const maxAgeIn = (text: string) => {
  const m = HSTS.exec(text);
  return m ? Number(m[1]) : undefined;
};

/** The HSTS each location of the TLS server block(s) of an nginx site sends. */
export function hstsContexts(site: string): HstsContext[] {
  const text = site.replace(/(^|\s)#.*$/gm, '$1');
  const out: HstsContext[] = [];
  for (const server of blocks(text).children.filter((b) => b.head === 'server')) {
    const s = blocks(server.body);
    if (!/\bssl_certificate\s/.test(s.own)) continue;
    const serverAge = maxAgeIn(s.own);
    const locations = s.children.filter((c) => c.head.startsWith('location'));
    if (locations.length === 0) out.push({ where: 'server', maxAge: serverAge });
    for (const l of locations) {
      const own = blocks(l.body).own;
      out.push({ where: l.head.replace(/\s+/g, ' '), maxAge: /^\s*add_header\s/m.test(own) ? maxAgeIn(own) : serverAge });
    }
  }
  return out;
}

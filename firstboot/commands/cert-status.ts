import { EXIT, defineCommand } from '../../core/cli/command.js';
import { PANEL_CERT } from '../../overlays/panel/nginx.js';
import { readRenewal } from '../acme/renewal-record.js';
import { expiresWithinWarning, readCertInfo } from '../acme/cert-info.js';
import { profileLine, renewalLine } from '../acme/renewal-text.js';
import { at } from '../atomic.js';

export default defineCommand({
  words: ['cert', 'status'],
  summary: "show the panel certificate: names, issuer, expiry, when renewal is due and why (the CA's ARI window or two thirds), the last renewal error",
  options: { root: { type: 'string', help: 'system root (default /)' }, json: { type: 'boolean', help: 'print JSON' } },
  async run({ values, io }) {
    const root = values.root ?? '/';
    const info = readCertInfo(at(root, PANEL_CERT));
    const renewal = readRenewal(root);
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ certificate: info ?? null, renewal }, null, 2)}\n`);
      return info ? EXIT.ok : EXIT.failed;
    }
    if (!info) {
      io.stdout.write(`no certificate at ${PANEL_CERT}\n`);
      return EXIT.failed;
    }
    const lines = [
      `names:   ${info.names.join(', ')}`,
      `issuer:  ${info.selfSigned ? 'self-signed (stand-in until ACME delivers)' : info.issuer}`,
      `valid:   ${info.notBefore} to ${info.notAfter}${expiresWithinWarning(info, Date.now()) ? ' (EXPIRES SOON)' : ''}`,
      ...(renewalLine(renewal) ? [`renewal: ${renewalLine(renewal)}`] : []),
      ...(profileLine(renewal) ? [`profile: ${profileLine(renewal)}`] : []),
      ...(renewal.lastSuccessAt ? [`last renewed: ${renewal.lastSuccessAt}`] : []),
      ...(renewal.lastError ? [`last error: ${renewal.lastError.message}${renewal.lastError.hint ? ` (${renewal.lastError.hint})` : ''}`] : []),
    ];
    io.stdout.write(`${lines.join('\n')}\n`);
    return EXIT.ok;
  },
});

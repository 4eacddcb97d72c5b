import { EXIT, defineCommand } from '../../core/cli/command.js';
import { createEmitter, plainSink } from '../../core/events.js';
import { ensureCertificate } from '../acme/ensure.js';
import { expiresWithinWarning, EXPIRY_WARNING_DAYS } from '../acme/cert-info.js';
import { readOverrides, toolsFrom } from '../overrides.js';
import { loadNodeProfile } from '../profile.js';
import { StepError } from '../step.js';

export default defineCommand({
  words: ['cert', 'renew'],
  summary:
    "renew the panel's ACME certificate when due (inside the CA's ARI window, else at two thirds of its lifetime), or now with --force; the timer runs this twice a day",
  options: {
    root: { type: 'string', help: 'system root (default /)' },
    profile: { type: 'string', help: 'profile file (default: the installed profile of the root)' },
    force: { type: 'boolean', help: 'renew even if not due' },
  },
  async run({ values, io }) {
    const root = values.root ?? '/';
    const emit = createEmitter({ sinks: [plainSink(io.stdout)] }).stage('cert');
    const profile = await loadNodeProfile(root, values.profile);
    if (!profile.tls.acme.enabled) {
      io.stdout.write('ACME is off (tls.acme.enabled: false): nothing to renew\n');
      return EXIT.ok;
    }
    const tools = toolsFrom(readOverrides());
    try {
      const r = await ensureCertificate({ root, profile, tools, emit, force: Boolean(values.force) });
      if (expiresWithinWarning(r.info, tools.now()))
        emit.warn(`the panel certificate expires ${r.info.notAfter}, within ${EXPIRY_WARNING_DAYS} days`, {
          code: 'W_CERT_EXPIRING',
          data: { notAfter: r.info.notAfter, alert: true },
        });
      io.stdout.write(r.action === 'issued' ? `renewed (${r.reason}): expires ${r.info.notAfter}\n` : `not due: expires ${r.info.notAfter}\n`);
      return EXIT.ok;
    } catch (err) {
      if (!(err instanceof StepError)) throw err;
      emit.error(err.message, { code: err.code, ...(err.hint ? { hint: err.hint } : {}) });
      return EXIT.failed;
    }
  },
});

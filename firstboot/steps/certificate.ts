import { StepError, type FirstbootStep } from '../step.js';
import type { StepTools } from '../tools.js';

const loadAcme = () => import('../acme/ensure.js');

/** The panel's certificate by ACME; until it arrives nginx keeps serving the self-signed one from the install. */
export function certificateStep(tools: StepTools): FirstbootStep {
  return {
    name: 'certificate',
    kind: 'remote',
    // Not loaded with the command: the ACME client is most of first boot's start-up under emulation.
    preload: loadAcme,
    skip: ({ profile }) => (profile.tls.acme.enabled ? undefined : 'tls.acme.enabled is off: the panel keeps its self-signed certificate'),
    async run(ctx) {
      if (ctx.profile.tls.acme.challenge === 'http-01') {
        // nginx answers HTTP-01 on port 80. First boot does not wait for nginx to start (no other
        // step needs it, and its own start then overlaps the rest of the boot): this step does.
        try {
          await tools.systemctl(['start', 'nginx.service']);
        } catch (err) {
          throw new StepError('E_ACME_HTTP01', `nginx, which answers the HTTP-01 challenge on port 80, does not start: ${(err as Error).message}`, {
            retryable: true,
            hint: 'see `journalctl -u nginx`; `nginx -t` names the line it refuses',
          });
        }
      }
      const { ensureCertificate } = await loadAcme();
      const r = await ensureCertificate({ root: ctx.root, profile: ctx.profile, tools, emit: ctx.emit });
      return {
        summary: `${r.action === 'issued' ? 'issued' : 'in place'}: ${r.info.names.join(', ')} by ${r.info.issuer}, expires ${r.info.notAfter}`,
        details: { issuer: r.info.issuer, names: r.info.names, notAfter: r.info.notAfter, serial: r.info.serial },
      };
    },
  };
}

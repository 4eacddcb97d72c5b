import { run } from './run.js';
import { TRIXIE, type TargetFacts } from './facts.js';

function version(text: string, re: RegExp): [number, number] | undefined {
  const m = re.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** Reads the versions off the tools installed here (for rendering onto this very machine). */
export async function detectHostFacts(): Promise<TargetFacts> {
  const ssh = await run(['sshd', '-V'], { allowFailure: true });
  const ngx = await run(['nginx', '-v'], { allowFailure: true });
  const ossl = await run(['openssl', 'version'], { allowFailure: true });
  return {
    name: 'host',
    openssh: version(ssh.stderr + ssh.stdout, /OpenSSH_(\d+)\.(\d+)/) ?? TRIXIE.openssh,
    nginx: version(ngx.stderr + ngx.stdout, /nginx\/(\d+)\.(\d+)/) ?? TRIXIE.nginx,
    openssl: version(ossl.stdout, /OpenSSL (\d+)\.(\d+)/) ?? TRIXIE.openssl,
  };
}

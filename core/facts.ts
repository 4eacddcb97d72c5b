import { run } from './run.js';

/** Versions of the target system's tools that change what a config file may say. */
export interface TargetFacts {
  name: string;
  openssh: [number, number];
  nginx: [number, number];
  openssl: [number, number];
}

/** Debian 13 (trixie), what DebVisor installs. */
export const TRIXIE: TargetFacts = { name: 'trixie', openssh: [10, 0], nginx: [1, 26], openssl: [3, 5] };
/** Debian 12 (bookworm), for rendering onto or testing on an older host. */
export const BOOKWORM: TargetFacts = { name: 'bookworm', openssh: [9, 2], nginx: [1, 22], openssl: [3, 0] };

export function atLeast(v: [number, number], major: number, minor: number): boolean {
  return v[0] > major || (v[0] === major && v[1] >= minor);
}

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

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';

export interface Swtpm {
  /** QEMU's arguments for a TPM 2.0 (TIS) backed by this emulator. */
  qemuArgs: string[];
  /** Stops the emulator by its own pid. */
  stop(): Promise<void>;
}

/**
 * A software TPM 2.0 (Debian's swtpm) for one guest: its state in `dir`, its control socket for
 * QEMU's `-tpmdev emulator`. Started before QEMU (which connects to it), stopped by its pid.
 */
export async function startSwtpm(dir: string, waitMs = 10_000): Promise<Swtpm> {
  mkdirSync(dir, { recursive: true });
  const sock = join(dir, 'swtpm.sock');
  const proc: ResultPromise = execa(
    'swtpm',
    ['socket', '--tpm2', '--tpmstate', `dir=${dir}`, '--ctrl', `type=unixio,path=${sock}`, '--log', `file=${join(dir, 'swtpm.log')}`],
    {
      stdin: 'ignore',
      reject: false,
    },
  );
  let exited = false;
  void proc.finally(() => (exited = true));
  const stop = async () => {
    if (proc.pid && !exited) {
      try {
        process.kill(proc.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
    }
    await proc;
  };
  const until = Date.now() + waitMs;
  while (!existsSync(sock) && !exited && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  if (!existsSync(sock)) {
    await stop();
    throw new Error(`swtpm made no control socket at ${sock} within ${waitMs} ms (see ${join(dir, 'swtpm.log')})`);
  }
  return {
    qemuArgs: ['-chardev', `socket,id=chrtpm,path=${sock}`, '-tpmdev', 'emulator,id=tpm0,chardev=chrtpm', '-device', 'tpm-tis,tpmdev=tpm0'],
    stop,
  };
}

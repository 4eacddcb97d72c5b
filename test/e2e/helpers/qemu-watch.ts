import { connect } from 'node:net';
import { execa, type ResultPromise } from 'execa';
import { existsSync, readFileSync } from 'node:fs';

export interface WatchResult {
  serial: string;
  seconds: number;
  /** Every pattern appeared. */
  matched: boolean;
  /** A failure pattern appeared first. */
  failed: boolean;
  /** QEMU ended by itself (the guest powered off) before the patterns appeared. */
  exited: boolean;
}

/**
 * Runs QEMU with these arguments and watches its serial log until every pattern has appeared, a
 * failure pattern appears, QEMU ends or the time is up; then stops QEMU (by its own pid).
 */
export async function runAndWatch(args: string[], serialLog: string, patterns: RegExp[], timeoutMs: number, failOn?: RegExp): Promise<WatchResult> {
  const vm = await bootAndKeep(args, serialLog, patterns, timeoutMs, failOn);
  await vm.stop();
  const serial = vm.serialNow();
  // seconds: when the patterns appeared (or the watch ended), not when QEMU was gone.
  return { serial, seconds: vm.seconds, matched: vm.matched || patterns.every((p) => p.test(serial)), failed: vm.failed, exited: vm.exited };
}

export interface RunningVm extends WatchResult {
  /** The serial log as it is now. */
  serialNow(): string;
  /** Stops QEMU (by its own pid) and waits for it to end. */
  stop(): Promise<void>;
}

/**
 * As runAndWatch, but QEMU keeps running once every pattern has appeared (the test then talks to
 * the guest through forwarded ports); the caller stops it. It is stopped here when the patterns
 * did not all appear.
 */
export async function bootAndKeep(args: string[], serialLog: string, patterns: RegExp[], timeoutMs: number, failOn?: RegExp): Promise<RunningVm> {
  const started = Date.now();
  const vm: ResultPromise = execa('qemu-system-x86_64', args, { stdin: 'ignore', reject: false });
  let exited = false;
  void vm.finally(() => (exited = true));
  const read = () => (existsSync(serialLog) ? readFileSync(serialLog, 'latin1') : '');
  const stop = async () => {
    if (vm.pid && !exited) {
      try {
        process.kill(vm.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    await vm.catch(() => undefined);
  };
  let serial = '';
  let matched = false;
  let failed = false;
  while (Date.now() - started < timeoutMs && !exited) {
    await new Promise((r) => setTimeout(r, 2000));
    serial = read();
    if (patterns.every((p) => p.test(serial))) {
      matched = true;
      break;
    }
    if (failOn?.test(serial)) {
      failed = true;
      break;
    }
  }
  if (!matched) await stop();
  return { serial, seconds: Math.round((Date.now() - started) / 1000), matched, failed, exited, serialNow: read, stop };
}

/** Waits (bounded, polling the serial log) until every pattern is in the serial output after `from`. */
export async function waitForSerial(read: () => string, from: number, patterns: RegExp[], ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  for (;;) {
    const now = read().slice(from);
    if (patterns.every((p) => p.test(now))) return true;
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

export interface SerialConsole {
  /** Types on the guest's serial console. */
  type(text: string): void;
  close(): void;
}

/**
 * Connects to a serial port QEMU serves as a socket (`-chardev socket,...,server=on,wait=off,logfile=`):
 * the log file keeps everything; what comes back on the socket is read and dropped, or QEMU would
 * stall the guest's console.
 */
export async function serialConsole(sock: string): Promise<SerialConsole> {
  const port = connect(sock);
  await new Promise<void>((resolve, reject) => port.once('connect', resolve).once('error', reject));
  port.on('data', () => undefined);
  port.on('error', () => undefined);
  return { type: (text) => port.write(text), close: () => port.destroy() };
}

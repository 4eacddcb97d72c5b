import { existsSync, mkdirSync } from 'node:fs';
import { silentEmitter, type Emitter } from '../core/events.js';
import { run } from '../core/run.js';
import { TEST_TOKEN_MS, type CorosyncPaths } from './corosync.js';
import { CLUSTER_FILES, nodeFile } from './paths.js';

/**
 * The effects on the node's own services, injectable: on a node (root `/`) corosync runs under
 * systemd; under a directory root (tests, a node prepared elsewhere) it runs directly with that
 * root's `run/` bound over /run, because corosync's pid lock /run/corosync.pid is hard-coded.
 */
export interface ClusterHost {
  root: string;
  events: Emitter;
  corosyncPaths(): CorosyncPaths;
  startCorosync(): Promise<void>;
  /** `corosync-cfgtool -R`: the running corosync re-reads corosync.conf (no-op when it is not running). */
  reloadCorosync(): Promise<void>;
  stopCorosync(): Promise<void>;
  corosyncRunning(): Promise<boolean>;
  /** Starts debvisor-join.service (on `/`); under a directory root the caller runs `cluster serve` itself. */
  startJoinApi(): Promise<void>;
  /** sshd re-reads its configuration (the host certificate drop-in); on `/` only. */
  reloadSsh(): Promise<void>;
}

/** How long `corosync-cfgtool` may take before it counts as not answering. */
const CFGTOOL_TIMEOUT_MS = 10_000;

export function defaultHost(root = '/', events: Emitter = silentEmitter): ClusterHost {
  const onSystem = root === '/';
  const running = async () => (await run(['corosync-cfgtool', '-s'], { allowFailure: true, timeoutMs: CFGTOOL_TIMEOUT_MS })).exitCode === 0;
  return {
    root,
    events,
    corosyncPaths: () =>
      onSystem
        ? { keyfile: CLUSTER_FILES.authkey }
        : {
            keyfile: nodeFile(root, CLUSTER_FILES.authkey),
            stateDir: nodeFile(root, CLUSTER_FILES.corosyncState),
            logFile: nodeFile(root, CLUSTER_FILES.corosyncLog),
            tokenMs: TEST_TOKEN_MS,
          },
    async startCorosync() {
      if (await running()) return;
      if (onSystem) {
        await run(['systemctl', 'enable', '--now', 'corosync'], { events });
        return;
      }
      for (const d of ['run', CLUSTER_FILES.corosyncState, '/var/log/corosync']) {
        const dir = nodeFile(root, d);
        if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
      }
      // corosync forks into the background once it has started; its mount namespace keeps the private /run.
      await run(
        [
          'unshare',
          '-m',
          '--propagation',
          'private',
          'sh',
          '-c',
          'mount --bind "$0/run" /run && exec corosync -c "$1"',
          root,
          nodeFile(root, CLUSTER_FILES.corosyncConf),
        ],
        { events, timeoutMs: CFGTOOL_TIMEOUT_MS },
      );
    },
    async reloadCorosync() {
      if (await running()) await run(['corosync-cfgtool', '-R'], { events, timeoutMs: CFGTOOL_TIMEOUT_MS });
    },
    async stopCorosync() {
      if (onSystem) {
        await run(['systemctl', 'disable', '--now', 'corosync'], { events, allowFailure: true });
        return;
      }
      // corosync-cfgtool -H asks corosync to shut down (it then also removes its pid lock in the private /run).
      if (await running()) await run(['corosync-cfgtool', '-H', '--force'], { events, allowFailure: true, timeoutMs: CFGTOOL_TIMEOUT_MS });
    },
    corosyncRunning: running,
    async startJoinApi() {
      if (onSystem) await run(['systemctl', 'enable', '--now', 'debvisor-join.service'], { events });
    },
    async reloadSsh() {
      if (onSystem) await run(['systemctl', 'reload-or-restart', 'ssh.service'], { events, allowFailure: true });
    },
  };
}

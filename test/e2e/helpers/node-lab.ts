import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { authenticator } from 'otplib';
import { parse, stringify } from 'yaml';
import { createEmitter, memorySink } from '../../../core/events.js';
import { startAnswerServer, type RunningAnswerServer } from '../../../installer/unattended/answer-server.js';
import { makeTestCert } from '../../integration/helpers/test-cert.js';
import { startLoopbackAcmeDns, type LoopbackAcmeDns } from './acme-dns.js';
import { serveDirectory, type StaticServer } from './http-serve.js';
import { GUEST_HTTP, guestFwd as fwd } from './qemu.js';

/**
 * Everything a QEMU guest needs to be installed as a fleet node gets installed, on the host's
 * loopback only: the netboot files over HTTP (QEMU's iPXE), an answer server over pinned HTTPS
 * handing out test/fixtures/profiles/e2e-install.yaml with this run's admin key and TOTP secret,
 * and knot + pebble for first boot (DNS-01, the listener's CA trusted by tls.acme.caBundle).
 * Used by the full-install e2e and by the install and first-boot benchmarks.
 */
const repo = fileURLToPath(new URL('../../..', import.meta.url));
export const PROFILE = join(repo, 'test/fixtures/profiles/e2e-install.yaml');
export const HOSTNAME = 'e2e-node1';
export const FQDN = `${HOSTNAME}.lab.example.com`;
export const ADMIN = 'alice';
/** The password whose yescrypt hash the fixture profile carries (sudo asks for it). */
export const PASSWORD = 'debvisor';
/** Where the guest finds knot (TCP 53) and pebble (HTTPS 14000): QEMU forwards them to the host's loopback. */
export const GUEST_DNS = '10.0.2.101';
export const GUEST_ACME = '10.0.2.102';
/** QEMU user networking's guest address: the A record first boot registers. */
export const GUEST_IP = '10.0.2.15';
export const DISK_BYTES = 16 * 1024 ** 3;
export const DISKS = ['disk-a.img', 'disk-b.img'];

export const machine = (mib: number) => ['-m', String(mib), '-smp', '2', '-display', 'none', '-monitor', 'none', '-no-reboot'];

export interface NodeLab {
  dir: string;
  /** The admin's private key file. */
  key: string;
  totpSecret: string;
  tsigSecret: string;
  answers: RunningAnswerServer;
  answerEvents: ReturnType<typeof memorySink>;
  http: StaticServer;
  remotes: LoopbackAcmeDns;
  /** Both disks of the mirror, as virtio disks in this order (vda, vdb). */
  diskArgs(): string[];
  /** The PXE boot into the unattended install: netdev and NIC. */
  pxeArgs(): string[];
  /** The netboot files' HTTP server only, on a NIC that is no boot device (for a -kernel boot). */
  httpArgs(): string[];
  /** The installed node's network: SSH and the panel forwarded from the host's loopback, knot and pebble to it. */
  nodeArgs(sshPort: number, panelPort: number): string[];
  close(): Promise<void>;
}

/** What a test asks of the lab's profile beyond the fixture. */
export interface LabOptions {
  /** Keys of install.storage over the fixture's (encryption: LUKS2 under the mirror's LVM, the passphrase typed at boot). */
  storage?: Record<string, unknown>;
  /** Each disk's size (sparse files), DISK_BYTES unless given. */
  diskBytes?: number;
}

/** Sets the lab up in a new directory under `parent`; `out` holds the built image (out/netboot). */
export async function startNodeLab(parent: string, out: string, options: LabOptions = {}): Promise<NodeLab> {
  const dir = mkdtempSync(join(parent, 'node-lab-'));
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
  };
  try {
    const key = join(dir, 'id_ed25519');
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `${ADMIN}@e2e`, '-f', key]);
    const totpSecret = authenticator.generateSecret(20);
    const profile = parse(readFileSync(PROFILE, 'utf8'));
    profile.users.admin.sshKeys = [readFileSync(`${key}.pub`, 'utf8').trim()];
    profile.users.admin.mfa = { totpSecret };
    profile.install.storage = { ...profile.install.storage, ...options.storage };
    const tsigSecret: string = profile.dns.tsig.secret;
    const remotes = await startLoopbackAcmeDns(mkdtempSync(join(dir, 'remotes-')), {
      zone: profile.dns.zone,
      keyName: profile.dns.tsig.name,
      algorithm: profile.dns.tsig.algorithm,
      secret: tsigSecret,
      acmeGuestIp: GUEST_ACME,
    });
    closers.push(() => remotes.close());
    profile.dns = { ...profile.dns, server: GUEST_DNS, records: ['A'], ttl: 60 };
    // pebble's listener certificate is signed by the lab's minica: the node trusts it through the profile (tls.acme.caBundle).
    profile.tls = {
      acme: {
        ...profile.tls.acme,
        ca: 'custom',
        directoryUrl: `https://${GUEST_ACME}:14000/dir`,
        challenge: 'dns-01',
        caBundle: Buffer.from(remotes.minicaPem).toString('base64'),
      },
    };
    const profiles = join(dir, 'answers');
    mkdirSync(profiles);
    writeFileSync(join(profiles, 'default.yaml'), stringify(profile));
    const { cert, key: certKey } = await makeTestCert(dir, 'answers');
    const answerEvents = memorySink();
    const answers = await startAnswerServer({
      dir: profiles,
      host: '127.0.0.1',
      port: 0,
      cert,
      key: certKey,
      events: createEmitter({ sinks: [answerEvents] }),
    });
    closers.push(() => answers.close());
    // The netboot files as built, with a boot script for the unattended mode and the pinned server.
    const www = join(dir, 'www');
    mkdirSync(www);
    for (const f of ['vmlinuz', 'initrd.img', 'filesystem.squashfs']) symlinkSync(join(out, 'netboot', f), join(www, f));
    const script = readFileSync(join(out, 'netboot/boot.ipxe'), 'utf8');
    if (!script.includes('debvisor.mode=install ')) throw new Error(`${out}/netboot/boot.ipxe has no debvisor.mode=install to replace`);
    writeFileSync(
      join(www, 'boot.ipxe'),
      script.replace('debvisor.mode=install ', `debvisor.mode=unattended debvisor.profile=https://${GUEST_HTTP}/ debvisor.profile.pin=${answers.pin} `),
    );
    const http = await serveDirectory(www);
    closers.push(() => http.close());
    for (const d of DISKS) await execa('truncate', ['-s', String(options.diskBytes ?? DISK_BYTES), join(dir, d)]);
    return {
      dir,
      key,
      totpSecret,
      tsigSecret,
      answers,
      answerEvents,
      http,
      remotes,
      diskArgs: () => DISKS.flatMap((d) => ['-drive', `file=${join(dir, d)},if=virtio,format=raw`]),
      pxeArgs: () => [
        '-netdev',
        `user,id=n0,restrict=on,tftp=${www},bootfile=http://${GUEST_HTTP}/boot.ipxe,${fwd(GUEST_HTTP, 80, http.port)},${fwd(GUEST_HTTP, 443, answers.port)}`,
        '-device',
        'virtio-net-pci,netdev=n0,bootindex=0',
      ],
      httpArgs: () => ['-netdev', `user,id=n0,restrict=on,${fwd(GUEST_HTTP, 80, http.port)}`, '-device', 'virtio-net-pci,netdev=n0'],
      nodeArgs: (sshPort, panelPort) => [
        '-netdev',
        `user,id=n0,restrict=on,hostfwd=tcp:127.0.0.1:${sshPort}-:22,hostfwd=tcp:127.0.0.1:${panelPort}-:443,${fwd(GUEST_DNS, 53, remotes.knotPort)},${fwd(GUEST_ACME, 14000, remotes.pebblePort)}`,
        '-device',
        'virtio-net-pci,netdev=n0',
      ],
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The install's steps and their durations, from the "STEP done in N s" events on the serial port (JSON lines). */
export function stepTimes(serial: string): { step: string; seconds: number }[] {
  const out: { step: string; seconds: number }[] = [];
  for (const line of serial.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const e = JSON.parse(line) as { message?: string; step?: string };
      const m = /^(\S+) done in ([0-9.]+) s$/.exec(e.message ?? '');
      if (m && e.step === m[1]) out.push({ step: m[1]!, seconds: Number(m[2]) });
    } catch {
      /* a line the console broke */
    }
  }
  return out;
}

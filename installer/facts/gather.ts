import { existsSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import { run } from '../../core/run.js';
import { DebvisorError } from '../../core/errors.js';
import type { Emitter } from '../../core/events.js';
import type { HardwareFacts } from '../../profiles/facts.js';
import type { RawFacts, RawNic } from './raw.js';
import { parseLsblk } from './parse-lsblk.js';
import { factsFromRaw } from './facts-from-raw.js';

/**
 * The one place that reads the machine for `debvisor facts`, and only reads it: lsblk, wipefs
 * with --no-act (libblkid opens the device read-only), ip, and files under /sys, /proc and
 * /dev/disk. No block device is ever opened for writing. Everything is parsed by the pure
 * factsFromRaw.
 */
export const EFI_DIR = '/sys/firmware/efi';
export const SECURE_BOOT_VAR = '/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c';
const PROBE_TIMEOUT_MS = 10_000;

export interface GatherOptions {
  events?: Emitter;
  /** The clock, injected (the facts file records when it was made). */
  now?: () => Date;
  by?: string;
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** A command's stdout, or undefined when it is missing or fails (a fact then stays unknown). */
async function output(argv: string[], opts: GatherOptions): Promise<string | undefined> {
  try {
    const r = await run(argv, { allowFailure: true, timeoutMs: PROBE_TIMEOUT_MS, ...(opts.events ? { events: opts.events } : {}) });
    return r.exitCode === 0 ? r.stdout : undefined;
  } catch {
    return undefined;
  }
}

function devLinks(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const n of names) {
    try {
      out[n] = basename(readlinkSync(join(dir, n)));
    } catch {
      // not a link: skip
    }
  }
  return out;
}

function nics(): Record<string, RawNic> {
  const out: Record<string, RawNic> = {};
  let names: string[] = [];
  try {
    names = readdirSync('/sys/class/net');
  } catch {
    return out;
  }
  for (const n of names) {
    const dir = join('/sys/class/net', n);
    if (!existsSync(join(dir, 'device'))) continue;
    let driver: string | undefined;
    try {
      driver = basename(readlinkSync(join(dir, 'device', 'driver')));
    } catch {
      driver = undefined;
    }
    const nic: RawNic = {};
    for (const k of ['address', 'carrier', 'speed', 'type'] as const) {
      const v = read(join(dir, k));
      if (v !== undefined) nic[k] = v.trim();
    }
    if (driver) nic.driver = driver;
    out[n] = nic;
  }
  return out;
}

/** The major version of each TPM the kernel shows (tpm_version_major: `2` or `1`; TPM 1.2 drivers before Linux 5.6 lack it). */
function tpmVersions(): string[] {
  let names: string[];
  try {
    names = readdirSync('/sys/class/tpm').filter((n) => /^tpm[0-9]+$/.test(n));
  } catch {
    return [];
  }
  return names.map((n) => (read(join('/sys/class/tpm', n, 'tpm_version_major')) ?? '1').trim());
}

async function hasZfs(opts: GatherOptions): Promise<boolean> {
  const module = existsSync('/sys/module/zfs') || (await output(['modinfo', '-F', 'filename', 'zfs'], opts)) !== undefined;
  return module && (await output(['zpool', 'version'], opts)) !== undefined;
}

/** Reads this machine (read-only) into a raw capture. */
export async function gatherRaw(opts: GatherOptions = {}): Promise<RawFacts> {
  const lsblk = await output(['lsblk', '--json', '--bytes', '-O'], opts);
  if (lsblk === undefined)
    throw new DebvisorError('E_FACTS_LSBLK', 'lsblk --json --bytes -O failed, so the disks are unknown', {
      hint: 'the installer needs lsblk from util-linux 2.37 or later',
    });
  const wipefs: Record<string, string> = {};
  for (const d of parseLsblk(lsblk)) {
    for (const name of [d.name, ...d.partitions.map((p) => p.name)]) {
      const out = await output(['wipefs', '--no-act', '--json', `/dev/${name}`], opts);
      if (out !== undefined) wipefs[name] = out;
    }
  }
  let secureBootVar: number[] | undefined;
  try {
    secureBootVar = [...readFileSync(SECURE_BOOT_VAR)];
  } catch {
    secureBootVar = undefined;
  }
  const dmi: Record<string, string> = {};
  for (const k of ['sys_vendor', 'product_name', 'product_serial', 'product_uuid']) {
    const v = read(join('/sys/class/dmi/id', k));
    if (v !== undefined) dmi[k] = v;
  }
  const ipLink = await output(['ip', '-json', '-details', 'link', 'show'], opts);
  return {
    lsblk,
    wipefs,
    byId: devLinks('/dev/disk/by-id'),
    byPath: devLinks('/dev/disk/by-path'),
    net: nics(),
    ...(ipLink === undefined ? {} : { ipLink }),
    cpuinfo: read('/proc/cpuinfo') ?? '',
    meminfo: read('/proc/meminfo') ?? '',
    efi: existsSync(EFI_DIR),
    ...(secureBootVar ? { secureBootVar } : {}),
    dmi,
    tpm: tpmVersions(),
    zfs: await hasZfs(opts),
    hostname: hostname(),
    at: (opts.now ?? (() => new Date()))().toISOString(),
    ...(opts.by ? { by: opts.by } : {}),
  };
}

/** This machine's facts. */
export async function gatherFacts(opts: GatherOptions = {}): Promise<HardwareFacts> {
  return factsFromRaw(await gatherRaw(opts));
}

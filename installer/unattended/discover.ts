import { join } from 'node:path';
import { DebvisorError } from '../../core/errors.js';
import { type CmdlineIssue, LABEL_DEFAULT_PATH, PROFILE_LABEL, type ProfileSource, parseSource, parseUnattendedCmdline } from './cmdline.js';
import type { Answer } from './fetch-pinned.js';

/** Where the live system sees its boot medium (live-boot mounts it there). */
export const LIVE_MEDIUM = '/run/live/medium';
/** The profile `debvisor iso embed-profile` puts on the ISO (seen at LIVE_MEDIUM + this). */
export const EMBEDDED_PROFILE = '/debvisor/profile.yaml';
/** The profile a build spec's `profile:` puts inside the live system. */
export const BUILT_IN_PROFILE = '/etc/debvisor/profile.yaml';
/** A detached signature sits beside its profile under this suffix (`ssh-keygen -Y sign` writes it so). */
export const SIG_SUFFIX = '.sig';

/** Everything discovery does to the machine, injected so the order and messages are tested without one. */
export interface DiscoverEffects {
  /** The kernel command line (/proc/cmdline). */
  cmdline(): string;
  /** A file's bytes, or undefined when it does not exist. */
  readFile(path: string): string | undefined;
  /** The device of the filesystem with this label (blkid -L), or undefined. */
  findLabel(label: string): Promise<string | undefined>;
  /** Mounts a device read-only, runs `use` on the mount point, unmounts. */
  withReadOnlyMount<T>(device: string, use: (dir: string) => T): Promise<T>;
  /** The profile URL a DHCP server handed out (the live machine asks the server when no lease has one), or undefined. */
  dhcpUrl(): string | undefined | Promise<string | undefined>;
  /** This machine's facts as JSON, for the answer server. */
  factsJson(): Promise<string>;
  fetch(url: string, factsJson: string, pin: string | undefined): Promise<Answer>;
}

export interface FoundProfile {
  /** Where it came from, in words, for every message (`kernel command line: label:STICK:/p.yaml (/dev/vdb)`). */
  source: string;
  yaml: string;
  /** The armored detached signature found with it, if any. */
  signature: string | undefined;
  /** The device it was read from, when it came from a filesystem by label (the profile stick). */
  device?: string;
}

function notFound(source: string, message: string, hint: string): DebvisorError {
  return new DebvisorError('E_PROFILE_SOURCE', `${source}: ${message}`, { hint });
}

/** A file and its `.sig` neighbour under a root ('' for the live root). */
function readWithSig(fx: DiscoverEffects, root: string, path: string): { yaml: string; signature: string | undefined } | undefined {
  const yaml = fx.readFile(join(root || '/', path));
  if (yaml === undefined) return undefined;
  return { yaml, signature: fx.readFile(join(root || '/', `${path}${SIG_SUFFIX}`)) };
}

async function fromLabel(fx: DiscoverEffects, label: string, path: string, source: string): Promise<FoundProfile | undefined> {
  const device = await fx.findLabel(label);
  if (!device) return undefined;
  const got = await fx.withReadOnlyMount(device, (dir) => readWithSig(fx, dir, path));
  if (!got) throw notFound(`${source} (${device})`, `no ${path} on the filesystem labelled ${label}`, `put the profile at ${path} on it`);
  return { source: `${source} (${device})`, ...got, device };
}

async function fromHttps(fx: DiscoverEffects, url: string, pin: string | undefined, source: string): Promise<FoundProfile> {
  const answer = await fx.fetch(url, await fx.factsJson(), pin);
  return { source, yaml: answer.body, signature: answer.signature };
}

/** The source the kernel command line names; it is the only one tried: an explicit choice that fails is an error. */
async function fromCmdline(fx: DiscoverEffects, s: ProfileSource): Promise<FoundProfile> {
  switch (s.kind) {
    case 'path': {
      // A path on the boot medium first (an ISO or stick the operator wrote), then in the live root.
      for (const [root, where] of [
        [LIVE_MEDIUM, `boot medium ${LIVE_MEDIUM}${s.path}`],
        ['', `live system ${s.path}`],
      ] as const) {
        const got = readWithSig(fx, root, s.path);
        if (got) return { source: `kernel command line debvisor.profile=${s.path} (${where})`, ...got };
      }
      throw notFound(
        `kernel command line debvisor.profile=${s.path}`,
        `no such file on the boot medium (${LIVE_MEDIUM}${s.path}) or in the live system`,
        'check the path; embed a profile with `debvisor iso embed-profile`',
      );
    }
    case 'label': {
      const src = `kernel command line debvisor.profile=label:${s.label}:${s.path}`;
      const got = await fromLabel(fx, s.label, s.path, src);
      if (!got)
        throw notFound(
          src,
          `no filesystem labelled ${s.label}`,
          `plug in the stick, or label it: e2label DEV ${s.label} (ext4) or fatlabel DEV ${s.label} (vfat)`,
        );
      return got;
    }
    case 'https':
      return fromHttps(fx, s.url, s.pin, `kernel command line debvisor.profile=${s.url}`);
  }
}

/** The order the issue and docs/install.md give; each step names itself in messages. */
export const DISCOVERY_ORDER = [
  'kernel command line debvisor.profile=',
  `filesystem labelled ${PROFILE_LABEL}`,
  'profile embedded in the ISO',
  'URL from DHCP',
] as const;

/**
 * Finds the profile: the kernel command line's `debvisor.profile=`, else a filesystem labelled
 * DEBVISOR-PROFILE (its /profile.yaml), else the profile embedded in the ISO (on the medium,
 * then in the live system), else the URL a DHCP server handed out. Throws naming the source.
 */
export async function discoverProfile(fx: DiscoverEffects): Promise<FoundProfile> {
  const parsed = parseUnattendedCmdline(fx.cmdline());
  if (!parsed.ok)
    throw new DebvisorError('E_PROFILE_SOURCE', `kernel command line: ${parsed.issues.map((i) => `${i.arg}: ${i.message}`).join('; ')}`, {
      hint: parsed.issues.map((i) => i.hint).join('; '),
    });
  const { source, pin } = parsed.value;
  if (source) return fromCmdline(fx, source);
  const stick = await fromLabel(fx, PROFILE_LABEL, LABEL_DEFAULT_PATH, `filesystem labelled ${PROFILE_LABEL}`);
  if (stick) return stick;
  const onMedium = readWithSig(fx, LIVE_MEDIUM, EMBEDDED_PROFILE);
  if (onMedium) return { source: `profile embedded in the ISO (${LIVE_MEDIUM}${EMBEDDED_PROFILE})`, ...onMedium };
  const builtIn = readWithSig(fx, '', BUILT_IN_PROFILE);
  if (builtIn) return { source: `profile built into the image (${BUILT_IN_PROFILE})`, ...builtIn };
  const url = await fx.dhcpUrl();
  if (url) {
    // Held to the command line's rules: https only, no user or password, no control characters.
    const issues: CmdlineIssue[] = [];
    const s = parseSource(url, undefined, issues);
    if (s?.kind !== 'https')
      throw notFound(
        `URL from DHCP (${url})`,
        issues[0]?.message ?? 'only https:// URLs are accepted',
        'hand out an https:// URL, and pin its certificate with debvisor.profile.pin=',
      );
    return fromHttps(fx, s.url, pin, `URL from DHCP ${s.url}`);
  }
  throw new DebvisorError('E_PROFILE_NONE', `no profile found; looked, in order, at: ${DISCOVERY_ORDER.join(', ')}`, {
    hint: `add debvisor.profile=... to the kernel command line, plug in a stick labelled ${PROFILE_LABEL} with /profile.yaml, or make an ISO with \`debvisor iso embed-profile\``,
  });
}

import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from 'tar';
import { redactUrlCredentials } from '../../core/text.js';
import { MASK, MIN_MASKED_SECRET } from '../progress/sinks.js';

/** A log larger than this goes into the bundle by its tail (a copy log can be long). */
export const BUNDLE_MAX_FILE_BYTES = 8 * 1024 * 1024;

export interface BundleInput {
  /** Time of the failure: in the name. */
  time: Date;
  /** The node's hostname (the profile's, else this machine's): in the name. */
  hostname: string;
  /** The install's log directory: its regular files go in under `logs/`. */
  logDir?: string;
  /** Named texts (facts.json, plan.json, profile.yaml, failure.txt...), already without secrets. */
  files: Record<string, string>;
  /** Secret values masked in every file as a last guard (the profile's secrets). */
  secrets: string[];
}

/** `debvisor-install-20261127T201502Z-pve1.tar.gz`: sortable, and safe in any filesystem. */
export function bundleName(time: Date, hostname: string): string {
  const stamp = time
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/[-:]/g, '');
  const host = hostname.replace(/[^A-Za-z0-9.-]/g, '_').slice(0, 63) || 'unknown';
  return `debvisor-install-${stamp}-${host}.tar.gz`;
}

function masked(text: string, secrets: string[]): string {
  let out = redactUrlCredentials(text);
  for (const s of secrets) if (s) out = out.split(s).join(MASK);
  return out;
}

function readBounded(file: string): string {
  const buf = readFileSync(file);
  return buf.length > BUNDLE_MAX_FILE_BYTES
    ? `[first ${buf.length - BUNDLE_MAX_FILE_BYTES} bytes left out]\n${buf.subarray(-BUNDLE_MAX_FILE_BYTES).toString('utf8')}`
    : buf.toString('utf8');
}

/**
 * Writes the support bundle (a gzipped tar) into the first of `dirs` that takes it, else the
 * system's temporary directory, and returns its path. Every file is masked for the secrets once
 * more; nothing outside the staging directory is read into it but the log directory's regular files.
 */
export async function writeSupportBundle(input: BundleInput, dirs: string[]): Promise<{ path: string; tried: { dir: string; error: string }[] }> {
  const stage = mkdtempSync(join(tmpdir(), 'debvisor-bundle-'));
  const secrets = [...new Set(input.secrets.filter((v) => v.length >= MIN_MASKED_SECRET))].sort((a, b) => b.length - a.length);
  const names: string[] = [];
  const put = (name: string, text: string) => {
    writeFileSync(join(stage, name), masked(text, secrets), { mode: 0o600 });
    names.push(name);
  };
  const tried: { dir: string; error: string }[] = [];
  try {
    for (const [name, text] of Object.entries(input.files)) put(name, text);
    if (input.logDir && existsSync(input.logDir)) {
      const logs: string[] = [];
      for (const f of readdirSync(input.logDir).sort()) {
        const p = join(input.logDir, f);
        if (lstatSync(p).isFile()) logs.push(f);
      }
      if (logs.length) {
        mkdirSync(join(stage, 'logs'));
        for (const f of logs) put(join('logs', f), readBounded(join(input.logDir, f)));
      }
    }
    const name = bundleName(input.time, input.hostname);
    for (const dir of [...dirs, tmpdir()]) {
      const out = join(dir, name);
      try {
        await create({ gzip: true, file: out, cwd: stage, portable: true }, names);
        try {
          chmodSync(out, 0o600);
        } catch {
          /* FAT on a USB stick has no modes */
        }
        return { path: out, tried };
      } catch (err) {
        tried.push({ dir, error: (err as Error).message });
        try {
          unlinkSync(out);
        } catch {
          /* nothing was written */
        }
      }
    }
    throw new Error(`no directory took the support bundle: ${tried.map((t) => `${t.dir}: ${t.error}`).join('; ')}`);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

import { run, type RunOptions } from '../../core/run.js';
import { TABLE } from './compile.js';

/** Talks to the kernel through `nft`; every call goes through run(). */

export async function tableListing(opts: RunOptions = {}): Promise<string | undefined> {
  const r = await run(['nft', 'list', 'table', 'inet', TABLE], { ...opts, allowFailure: true });
  return r.exitCode === 0 ? r.stdout : undefined;
}

/** A file that puts the current table back exactly (or removes ours if there was none). */
export function rollbackScript(listing: string | undefined): string {
  const head = `table inet ${TABLE}\ndelete table inet ${TABLE}\n`;
  return listing ? `${head}${listing}` : head;
}

interface JsonElem {
  elem?: { val: unknown; timeout?: number; expires?: number };
}

function elemText(val: unknown): string | undefined {
  if (typeof val === 'string') return val;
  if (val && typeof val === 'object') {
    const v = val as { prefix?: { addr: string; len: number }; range?: [string, string] };
    if (v.prefix) return `${v.prefix.addr}/${v.prefix.len}`;
    if (v.range) return `${v.range[0]}-${v.range[1]}`;
  }
  return undefined;
}

/** IDS and manual bans that are live now (elements with a timeout), so an apply does not forgive them. */
export async function liveBans(set: string, opts: RunOptions = {}): Promise<{ value: string; seconds: number }[]> {
  const r = await run(['nft', '-j', 'list', 'set', 'inet', TABLE, set], { ...opts, allowFailure: true });
  if (r.exitCode !== 0) return [];
  const doc = JSON.parse(r.stdout) as { nftables: { set?: { elem?: (JsonElem | string)[] } }[] };
  const out: { value: string; seconds: number }[] = [];
  for (const item of doc.nftables) {
    for (const e of item.set?.elem ?? []) {
      if (typeof e !== 'object' || !e.elem || e.elem.timeout === undefined) continue;
      const value = elemText(e.elem.val);
      const seconds = Math.max(1, e.elem.expires ?? e.elem.timeout);
      if (value) out.push({ value, seconds });
    }
  }
  return out;
}

export async function nftCheck(text: string, opts: RunOptions = {}): Promise<void> {
  await run(['nft', '-c', '-f', '-'], { ...opts, input: text });
}

/** One `nft -f` transaction: all of it takes effect, or none of it. */
export async function nftLoad(text: string, opts: RunOptions = {}): Promise<void> {
  await run(['nft', '-f', '-'], { ...opts, input: text });
}

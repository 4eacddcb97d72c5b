import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { placeFile } from '../place-file.js';
import { join } from 'node:path';
import { cmdline } from '../live-build.js';
import { ipxeScript } from '../release.js';
import { sha256 } from '../sources.js';
import type { BuildContext, Stage } from './stage.js';

export const NETBOOT_FILES = ['vmlinuz', 'initrd.img', 'filesystem.squashfs'];

export const netbootDir = (ctx: BuildContext) => join(ctx.out, 'netboot');

function ipxe(ctx: BuildContext): string {
  const def = ctx.spec.boot.entries.find((e) => e.id === ctx.spec.boot.default)!;
  return ipxeScript(cmdline(ctx.spec, def));
}

/** Netboot files beside the ISO: kernel, initrd, squashfs and boot.ipxe. */
export const netboot: Stage = {
  name: 'netboot',
  summary: 'kernel, initrd, squashfs and boot.ipxe for PXE',
  after: ['binary'],
  enabled: (ctx) => ctx.spec.outputs.netboot,
  inputs: (ctx) => ({ binary: ctx.keys.binary ?? '', ipxe: sha256(ipxe(ctx)) }),
  done: (ctx) => existsSync(join(netbootDir(ctx), 'filesystem.squashfs')),
  run: async (ctx) => {
    const dir = netbootDir(ctx);
    mkdirSync(dir, { recursive: true });
    for (const f of NETBOOT_FILES) placeFile(join(ctx.lb, 'binary/live', f), join(dir, f));
    writeFileSync(join(dir, 'boot.ipxe'), ipxe(ctx));
  },
};

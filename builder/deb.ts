import { TOOL_ENTRY, TOOL_LIB } from '../core/tool-paths.js';
import { cpSync, mkdirSync, rmSync, writeFileSync, chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../core/run.js';
import type { Emitter } from '../core/events.js';
import { bundleTool } from './bundle.js';
import { compileTool } from './compile.js';

/** What the installed tool needs at run time; Debian resolves these when the .deb is installed. */
export const DEB_DEPENDS = [
  'nodejs (>= 20.19~)',
  'nftables',
  'openssh-server',
  'libpam-google-authenticator',
  'fail2ban',
  'python3-systemd',
  'sudo',
  'nginx',
  'openssl',
  'iproute2',
];

export function debName(version: string): string {
  return `debvisor_${version}_all.deb`;
}

export function controlFile(version: string, installedSizeKiB: number): string {
  return [
    'Package: debvisor',
    `Version: ${version}`,
    'Architecture: all',
    'Section: admin',
    'Priority: optional',
    'Maintainer: DebVisor <packages@debvisor.com>',
    `Installed-Size: ${installedSizeKiB}`,
    `Depends: ${DEB_DEPENDS.join(', ')}`,
    'Homepage: https://debvisor.com',
    'Description: DebVisor node tools',
    ' The debvisor command: profile validation, hardened defaults (firewall, SSH with TOTP,',
    ' HTTPS panel), security audit, installer and first-boot steps of a DebVisor node.',
    '',
  ].join('\n');
}

export interface DebOptions {
  repo: string;
  work: string;
  outDir: string;
  version: string;
  env: Record<string, string>;
  logFile: string;
  events?: Emitter;
}

/** Builds debvisor_<version>_all.deb: the tool bundled (bundle.ts) with its data files and run-time npm modules, a /usr/bin wrapper. */
export async function buildDeb(o: DebOptions): Promise<string> {
  const stage = join(o.work, 'deb-root');
  const lib = join(stage, TOOL_LIB);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(lib, { recursive: true });
  const r = { events: o.events, logFile: o.logFile, env: o.env, cwd: o.repo };
  await compileTool(o.repo, lib, r);
  await run(['npm', 'ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], { ...r, cwd: lib, step: 'npm' });
  const bundled = await bundleTool(lib);
  writeFileSync(o.logFile, `bundle: ${bundled.warnings.length} warnings\n${bundled.warnings.join('\n')}\n`, { flag: 'a' });
  mkdirSync(join(stage, 'usr/bin'), { recursive: true });
  writeFileSync(join(stage, 'usr/bin/debvisor'), `#!/bin/sh\nexec /usr/bin/node ${TOOL_ENTRY} "$@"\n`);
  chmodSync(join(stage, 'usr/bin/debvisor'), 0o755);
  mkdirSync(join(stage, 'usr/share/doc/debvisor'), { recursive: true });
  cpSync(join(o.repo, 'LICENSE'), join(stage, 'usr/share/doc/debvisor/copyright'));
  const du = await run(['du', '-sk', '--apparent-size', stage]);
  mkdirSync(join(stage, 'DEBIAN'), { recursive: true });
  writeFileSync(join(stage, 'DEBIAN/control'), controlFile(o.version, Number(du.stdout.split(/\s/)[0])));
  mkdirSync(o.outDir, { recursive: true });
  const out = join(o.outDir, debName(o.version));
  await run(['dpkg-deb', '--root-owner-group', '-Zxz', '--build', stage, out], { ...r, step: 'dpkg-deb' });
  return out;
}

export function readVersion(repo: string): string {
  return (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string }).version;
}

import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import pLimit from 'p-limit';
import { mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildResult } from '../../builder/build.js';
import { bootAndWatch, type Firmware, type Medium } from './helpers/qemu.js';
import { defaultBuild, GUESTS_AT_ONCE } from './helpers/default-build.js';
import { readVersion } from '../../builder/deb.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
/** Under TCG a trixie live system reaches its login prompt in one to three minutes; allow six. */
const BOOT_TIMEOUT_MS = 360_000;
/**
 * Two boots at a time: each QEMU runs its guest on one TCG thread, and this machine has two
 * cores. A boot waiting for its turn counts towards its test's time limit, hence twice the bound.
 */
const boots = pLimit(GUESTS_AT_ONCE);

let built: BuildResult;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'debvisor-e2e-'));
  // The default spec into out/, with the shared cache: after `npm run iso` this reuses every stage.
  built = await defaultBuild();
}, 3_000_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the development ISO', () => {
  it('is built with its report, checksums, SBOM and netboot files', () => {
    const version = readVersion(repo);
    expect(built.iso).toBe(join(repo, 'out', `debvisor-${version}-amd64.iso`));
    const report = JSON.parse(readFileSync(built.reportPath, 'utf8')) as {
      stages: { name: string }[];
      artefacts: { path: string; sha256: string }[];
      packages: { name: string }[];
      kernel?: { fragment: { satisfied: number } };
    };
    expect(report.stages.map((s) => s.name)).toEqual(['package-deb', 'bootstrap', 'binary-tools', 'chroot', 'binary', 'netboot', 'release']);
    expect(report.packages.some((p) => p.name === 'debvisor')).toBe(true);
    expect(report.packages.some((p) => p.name === 'nodejs')).toBe(true);
    expect(report.kernel?.fragment.satisfied).toBeGreaterThan(20);
    const sums = readFileSync(join(repo, 'out/SHA256SUMS'), 'utf8');
    for (const a of report.artefacts) expect(sums).toContain(a.sha256);
    // What an operator runs after downloading: every listed file, netboot ones included.
    const check = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: join(repo, 'out'), encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toContain('netboot/filesystem.squashfs: OK');
    for (const f of ['vmlinuz', 'initrd.img', 'filesystem.squashfs', 'boot.ipxe']) expect(existsSync(join(repo, 'out/netboot', f))).toBe(true);
    expect(existsSync(join(repo, `out/debvisor-${version}.spdx.json`))).toBe(true);
  });

  const variants: [Firmware, Medium][] = [
    ['bios', 'cd'],
    ['uefi', 'cd'],
    ['bios', 'usb'],
    ['uefi', 'usb'],
  ];
  for (const [firmware, medium] of variants) {
    it.concurrent(
      `boots with ${firmware === 'bios' ? 'SeaBIOS' : 'OVMF'} from ${medium === 'cd' ? 'a CD' : 'a USB disk'} to a serial login, and debvisor --version runs`,
      async ({ expect }) => {
        const version = readVersion(repo);
        const r = await boots(() =>
          bootAndWatch(
            built.iso!,
            firmware,
            medium,
            dir,
            [
              new RegExp(`debvisor ${version.replace(/\./g, '\\.')}`),
              /DebVisor live system, boot mode: install/,
              /live system on debvisor \(ttyS0\), boot mode: install/,
              /debvisor login:/,
            ],
            BOOT_TIMEOUT_MS,
          ),
        );
        expect(r.matched, `after ${r.seconds} s the serial console showed:\n${r.serial.slice(-3000)}`).toBe(true);
      },
      2 * BOOT_TIMEOUT_MS + 60_000,
    );
  }
});

/**
 * `npm run release`: the release image in one command, for a CI runner or a release machine.
 * Builds iso/release.yaml (the custom kernel on Debian's config, xz), signs SHA256SUMS when a
 * GnuPG key is given, boots the ISO in the firmware x medium matrix (SeaBIOS and OVMF, CD and USB)
 * under QEMU, and writes the matrix's results beside the artefacts. Exit 0 only when the build
 * and every boot passed.
 *
 * usage: npm run release -- [--spec FILE] [--out DIR] [--work DIR] [--sign KEYID] [--no-boot]
 *   DEBVISOR_SIGNING_KEY=KEYID   the same as --sign (a CI secret)
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { build } from '../builder/build.js';
import { readVersion } from '../builder/deb.js';
import { createEmitter, plainSink } from '../core/events.js';
import { bootAndWatch, type Firmware, type Medium } from '../test/e2e/helpers/qemu.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
/** Under TCG a live system reaches its login in about a minute; with KVM in seconds. */
const BOOT_TIMEOUT_MS = 300_000;
const MATRIX: [Firmware, Medium][] = [
  ['bios', 'cd'],
  ['uefi', 'cd'],
  ['bios', 'usb'],
  ['uefi', 'usb'],
];

const { values } = parseArgs({
  options: { spec: { type: 'string' }, out: { type: 'string' }, work: { type: 'string' }, sign: { type: 'string' }, 'no-boot': { type: 'boolean' } },
});
const spec = resolve(values.spec ?? join(repo, 'iso/release.yaml'));
const out = resolve(values.out ?? join(repo, 'out/release'));
const signingKey = values.sign ?? process.env.DEBVISOR_SIGNING_KEY;

const events = createEmitter({ sinks: [plainSink(process.stderr)] });
const started = Date.now();
const r = await build({ repo, spec, out, ...(values.work ? { work: resolve(values.work) } : {}), ...(signingKey ? { signingKey } : {}), events });
for (const s of r.report.stages)
  process.stdout.write(`${s.name.padEnd(12)} ${s.status.padEnd(6)} ${String(Math.round(s.durationMs / 100) / 10).padStart(7)} s  ${s.reason}\n`);
process.stdout.write(
  `report: ${r.reportPath}\n${signingKey ? `signature: ${join(out, 'SHA256SUMS.sign')}\n` : 'not signed (no --sign or DEBVISOR_SIGNING_KEY)\n'}`,
);

let failed = 0;
if (!values['no-boot']) {
  if (!r.iso) throw new Error('the release spec builds no ISO to boot (outputs.iso: false)');
  const version = readVersion(repo);
  const dir = mkdtempSync(join(tmpdir(), 'debvisor-release-'));
  const results = [];
  try {
    for (const [firmware, medium] of MATRIX) {
      const b = await bootAndWatch(
        r.iso,
        firmware,
        medium,
        dir,
        [new RegExp(`debvisor ${version.replace(/\./g, '\\.')}`), /boot mode: install/, /login:/],
        BOOT_TIMEOUT_MS,
      );
      results.push({ firmware, medium, passed: b.matched, seconds: b.seconds, ...(b.matched ? {} : { serialTail: b.serial.slice(-3000) }) });
      process.stdout.write(`boot ${firmware.padEnd(4)} ${medium.padEnd(3)} ${b.matched ? 'passed' : 'FAILED'} in ${b.seconds} s\n`);
      if (!b.matched) failed++;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  writeFileSync(join(out, 'boot-matrix.json'), `${JSON.stringify({ iso: r.iso, version, results }, null, 2)}\n`);
  process.stdout.write(`boot matrix: ${join(out, 'boot-matrix.json')}\n`);
}
process.stdout.write(`release ${failed ? 'FAILED' : 'done'} in ${Math.round((Date.now() - started) / 1000)} s\n`);
process.exit(failed ? 1 : 0);

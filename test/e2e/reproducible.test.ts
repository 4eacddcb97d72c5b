import { describe, it, expect, afterAll } from 'vitest';
import { rmSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { build, sourceDateEpoch, IMAGE_SOURCES, type BuildResult } from '../../builder/build.js';
import { withBuildLock } from './helpers/default-build.js';

/**
 * Reproducibility: the same commit built twice from the same package versions gives the same
 * bits. A snapshot mirror pins the versions for good; without one (snapshot.debian.org is not
 * reachable everywhere) Debian's own live-image checks build twice within one mirror update
 * cycle, which pins them just as well. The test does that: the default build as `npm run iso`
 * leaves it (reusing whatever stages it can) against a cold build in an empty work directory,
 * with SOURCE_DATE_EPOCH pinned for both. If the package versions differ, the mirror moved in
 * between (or the cached stages are old), and a cold build takes the first one's place; one
 * retry, no loop. On failure the work directories stay for inspection.
 *
 * Before the comparison one include changes (a file added under iso/includes/), so the default
 * build goes the cheap way (issue 10, point 4): the packages layer and both initramfs images
 * reused, the .deb, includes and hooks put on top. The cold build has the same file: the cheap
 * build must give the bits a cold build gives.
 */
const repo = fileURLToPath(new URL('../..', import.meta.url));
const SPEC = join(repo, 'iso/build.yaml');
const DIR = join(repo, 'cache/e2e-reproducible');
const STAMP = join(repo, 'iso/includes/etc/debvisor-reproducible-stamp');

const samePackages = (a: BuildResult, b: BuildResult) => JSON.stringify(a.report.packages) === JSON.stringify(b.report.packages);
const firstDifference = (a: BuildResult, b: BuildResult) => {
  const bv = new Map(b.report.packages.map((p) => [p.name, p.version]));
  const p = a.report.packages.find((x) => bv.get(x.name) !== x.version);
  return p ? `${p.name} ${p.version} / ${bv.get(p.name) ?? 'absent'}` : `${a.report.packages.length} / ${b.report.packages.length} packages`;
};
const cold = (side: string) => {
  rmSync(join(DIR, `work-${side}`), { recursive: true, force: true });
  return build({ repo, spec: SPEC, out: join(DIR, `out-${side}`), work: join(DIR, `work-${side}`) });
};

let passed = false;
const savedEpoch = process.env.SOURCE_DATE_EPOCH;
afterAll(() => {
  rmSync(STAMP, { force: true });
  if (savedEpoch === undefined) delete process.env.SOURCE_DATE_EPOCH;
  else process.env.SOURCE_DATE_EPOCH = savedEpoch;
  if (passed) rmSync(DIR, { recursive: true, force: true });
});

describe('reproducible builds', () => {
  it('the default build after an include changed (packages layer and initramfs reused) and a cold build give the same ISO, netboot files and SBOM, bit for bit', async () => {
    // Pinned once: a commit made while the test runs must not change the second build's dates.
    // The value the build computes itself, so the default build's cached stages stay valid.
    process.env.SOURCE_DATE_EPOCH = String(await sourceDateEpoch(repo, IMAGE_SOURCES));
    rmSync(DIR, { recursive: true, force: true });
    // The shared build cache to itself while the include is there (until both cold builds have it
    // too): scripts/test.sh runs this beside the full install, whose build must not see it.
    await withBuildLock(async () => {
      try {
        await build({ repo, spec: SPEC, out: join(DIR, 'out-a') });
        writeFileSync(STAMP, 'An include added after the default build (test/e2e/reproducible.test.ts).\n');
        let a = await build({ repo, spec: SPEC, out: join(DIR, 'out-a') });
        const chroot = a.report.stages.find((s) => s.name === 'chroot');
        expect(chroot?.status).toBe('ran');
        expect(chroot?.parts).toEqual({ 'packages layer': 'reused', initramfs: 'reused' });
        const b = await cold('b');
        expect(b.report.stages.filter((s) => s.status === 'cached')).toEqual([]);
        if (!samePackages(a, b)) a = await cold('a');
        expect(samePackages(a, b), `the mirror changed between the builds: ${firstDifference(a, b)}`).toBe(true);
        const cmp = await execa('bash', [join(repo, 'scripts/compare-builds.sh'), a.iso!, b.iso!], { reject: false });
        expect(cmp.exitCode, cmp.stdout + cmp.stderr).toBe(0);
        expect(cmp.stdout).toMatch(/^identical: [0-9a-f]{64}$/m);
        // Every release file but the report (which holds times and paths) is the same.
        expect(readFileSync(join(DIR, 'out-a/SHA256SUMS'), 'utf8')).toBe(readFileSync(join(DIR, 'out-b/SHA256SUMS'), 'utf8'));
      } finally {
        rmSync(STAMP, { force: true });
      }
    });
    passed = true;
  }, 3_600_000);
});

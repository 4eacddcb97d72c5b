import { describe, it, expect } from 'vitest';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentEmitter } from '../../core/events.js';
import { loadBuildSpec } from '../spec.js';
import { stageKey } from '../stage-cache.js';
import { planStages } from '../build.js';
import { layerFiles, layerInputs } from '../packages-layer.js';
import { imageLbFiles } from '../lb-tree.js';
import { binaryArchives, mmdebstrapArgv } from './bootstrap.js';
import { BINARY_TOOL_PACKAGES } from '../binary-tools.js';
import { STAGE_TABLE, STAGES, type BuildContext, type Stage, type StageName } from './index.js';
import type { BuildSpec } from '../spec-schema.js';
import { testDir } from '../../test/unit/helpers/temp-dir.js';

const source = fileURLToPath(new URL('../..', import.meta.url));

/** A repository with the build inputs only (iso/, the boot menu templates), and a context over it. */
function fixture(change: (spec: BuildSpec) => BuildSpec = (s) => s, version = '0.1.0') {
  const repo = testDir('dv-stages-');
  cpSync(join(source, 'iso'), join(repo, 'iso'), { recursive: true });
  cpSync(join(source, 'builder/templates'), join(repo, 'builder/templates'), { recursive: true });
  mkdirSync(join(repo, 'work/deb'), { recursive: true });
  const debPath = join(repo, 'work/deb/debvisor.deb');
  writeFileSync(debPath, 'deb');
  const { spec } = loadBuildSpec(join(source, 'iso/build.yaml'), source);
  const ctx: BuildContext = {
    repo,
    spec: change(structuredClone(spec)),
    version,
    work: join(repo, 'work'),
    out: join(repo, 'out'),
    lb: join(repo, 'work/live-build'),
    logs: join(repo, 'work/logs'),
    kernelCache: join(repo, 'work/kernel'),
    epoch: 1000,
    debEpoch: 900,
    layerEpoch: 800,
    env: {},
    tools: { 'live-build': '1:20230502', mmdebstrap: '1.3.5-7', xorriso: '1.5.4', 'squashfs-tools': '4.5.1' },
    events: silentEmitter,
    debFile: 'debvisor.deb',
    debPath,
    lbIso: join(repo, 'work/live-build/x.iso'),
    signingKey: undefined,
    state: { stages: {} },
    keys: {},
    artefacts: [],
    lbRun: () => Promise.reject(new Error('no commands in this test')),
    progress: () => undefined,
  };
  return { ctx, repo };
}

/** The keys of the stages up to binary, each fed the ones before it, as build() does. */
async function keys(ctx: BuildContext): Promise<Partial<Record<StageName, string>>> {
  for (const s of STAGE_TABLE.filter((t) => ['bootstrap', 'binary-tools', 'chroot', 'binary', 'netboot'].includes(t.name)))
    ctx.keys[s.name] = stageKey(await s.inputs(ctx));
  return ctx.keys;
}

describe('the stage table', () => {
  it('is the list of stage names the report uses, in order, each a small unit', () => {
    expect(STAGE_TABLE.map((s) => s.name)).toEqual([...STAGES]);
    for (const s of STAGE_TABLE) {
      expect(s.summary.length).toBeGreaterThan(10);
      expect(typeof s.run).toBe('function');
    }
  });
  it('plans the stages a spec has: the kernel only for custom kernels, netboot when asked for', () => {
    const { ctx } = fixture();
    expect(planStages(ctx).map((s) => s.name)).toEqual(['package-deb', 'bootstrap', 'binary-tools', 'chroot', 'binary', 'netboot', 'release']);
    const custom = fixture((s) => ({ ...s, kernel: { ...s.kernel, source: 'custom' }, outputs: { ...s.outputs, netboot: false } })).ctx;
    expect(planStages(custom).map((s) => s.name)).toEqual(['package-deb', 'kernel', 'bootstrap', 'binary-tools', 'chroot', 'binary', 'release']);
  });
});

describe('stage keys cover what changes the output', () => {
  it('an lb config argument of the chroot (apt options, security, mirrors, kernel flavour) changes the chroot and binary keys, not the bootstrap', async () => {
    const a = await keys(fixture().ctx);
    const b = await keys(fixture((s) => ({ ...s, securityMirror: 'http://security.example.org/debian-security' })).ctx);
    expect(b.bootstrap).toBe(a.bootstrap);
    expect(b.chroot).not.toBe(a.chroot);
    expect(b.binary).not.toBe(a.binary);
  });
  it('an lb config argument of the binary stage (compression, volume id) changes the binary key only', async () => {
    const a = await keys(fixture().ctx);
    const b = await keys(fixture((s) => ({ ...s, squashfs: { compression: 'xz' } })).ctx);
    expect(b.chroot).toBe(a.chroot);
    expect(b.binary).not.toBe(a.binary);
    const v = await keys(fixture(undefined, '0.2.0').ctx);
    expect([v.bootstrap, v.chroot]).toEqual([a.bootstrap, a.chroot]);
    expect(v.binary).not.toBe(a.binary);
  });
  it('the mirror changes everything from the bootstrap on', async () => {
    const a = await keys(fixture().ctx);
    const b = await keys(fixture((s) => ({ ...s, mirror: 'http://mirror.example.org/debian' })).ctx);
    for (const s of ['bootstrap', 'chroot', 'binary', 'netboot'] as const) expect(b[s]).not.toBe(a[s]);
  });
  it('the bootstrap is mmdebstrap of the suite from the mirror, debootstrap’s package set; a snapshot skips Valid-Until', () => {
    const { ctx } = fixture();
    const argv = mmdebstrapArgv(ctx.spec, '/t');
    expect(argv.slice(0, 3)).toEqual(['mmdebstrap', '--mode=root', '--variant=debootstrap']);
    expect(argv.slice(-3)).toEqual([ctx.spec.suite, '/t', ctx.spec.mirror]);
    expect(argv.join(' ')).not.toContain('Check-Valid-Until');
    const pinned = mmdebstrapArgv({ ...ctx.spec, snapshot: '20251101T000000Z' }, '/t');
    expect(pinned.at(-1)).toBe('http://snapshot.debian.org/archive/debian/20251101T000000Z/');
    expect(pinned).toContain('--aptopt=Acquire::Check-Valid-Until "false"');
  });
  it('the binary tools’ root: the tools from the suite with its updates and security archives (a snapshot alone when pinned); its key goes into the binary key', async () => {
    const { ctx } = fixture();
    const argv = mmdebstrapArgv(ctx.spec, '/t', BINARY_TOOL_PACKAGES, binaryArchives(ctx.spec));
    expect(argv).toContain(
      '--include=squashfs-tools,isolinux,syslinux-common,librsvg2-bin,grub-efi-amd64-bin,grub-efi-amd64-signed,grub-efi-ia32-bin,shim-signed,mtools,dosfstools,xorriso',
    );
    expect(argv.slice(-3)).toEqual([
      `deb ${ctx.spec.mirror} ${ctx.spec.suite} main`,
      `deb ${ctx.spec.mirror} ${ctx.spec.suite}-updates main`,
      `deb ${ctx.spec.securityMirror} ${ctx.spec.suite}-security main`,
    ]);
    expect(binaryArchives({ ...ctx.spec, snapshot: '20251101T000000Z' })).toEqual(['http://snapshot.debian.org/archive/debian/20251101T000000Z/']);
    const a = await keys(fixture().ctx);
    const other = fixture();
    other.ctx.spec = { ...other.ctx.spec, securityMirror: 'http://security.example.org/debian-security' };
    const b = await keys(other.ctx);
    expect(b['binary-tools']).not.toBe(a['binary-tools']);
    expect(b.binary).not.toBe(a.binary);
  });
  it('the mmdebstrap version changes the bootstrap key', async () => {
    const a = await keys(fixture().ctx);
    const other = fixture();
    other.ctx.tools = { ...other.ctx.tools, mmdebstrap: '1.5.7-1' };
    expect((await keys(other.ctx)).bootstrap).not.toBe(a.bootstrap);
  });
  it('an include changes the chroot key but not the packages layer; a package list changes both', async () => {
    const plain = fixture();
    const a = await keys(plain.ctx);
    const layerA = stageKey(layerInputs(plain.ctx, layerFiles(imageLbFiles(plain.ctx), plain.ctx.debFile)));
    const inc = fixture();
    writeFileSync(join(inc.repo, 'iso/includes/etc/debvisor-test-stamp'), 'x\n');
    const b = await keys(inc.ctx);
    expect(b.chroot).not.toBe(a.chroot);
    expect(stageKey(layerInputs(inc.ctx, layerFiles(imageLbFiles(inc.ctx), inc.ctx.debFile)))).toBe(layerA);
    const list = fixture();
    writeFileSync(join(list.repo, 'iso/packages/base.list'), 'nodejs\nhtop\n');
    expect(stageKey(layerInputs(list.ctx, layerFiles(imageLbFiles(list.ctx), list.ctx.debFile)))).not.toBe(layerA);
  });
  it('the .deb, a hook and SOURCE_DATE_EPOCH change the chroot key', async () => {
    const a = await keys(fixture().ctx);
    const deb = fixture();
    writeFileSync(deb.ctx.debPath, 'other deb');
    expect((await keys(deb.ctx)).chroot).not.toBe(a.chroot);
    const hook = fixture();
    mkdirSync(join(hook.repo, 'iso/hooks'), { recursive: true });
    writeFileSync(join(hook.repo, 'iso/hooks/0600-test.hook.chroot'), '#!/bin/sh\n');
    expect((await keys(hook.ctx)).chroot).not.toBe(a.chroot);
    const epoch = fixture();
    epoch.ctx.epoch = 2000;
    expect((await keys(epoch.ctx)).chroot).not.toBe(a.chroot);
  });
  it('each stage reads the key of the one before it, never one after it', async () => {
    const { ctx } = fixture();
    await keys(ctx);
    const chroot = await STAGE_TABLE.find((s) => s.name === 'chroot')!.inputs({ ...ctx, keys: { bootstrap: ctx.keys.bootstrap } });
    expect(chroot['packages layer']).toBeDefined();
    const binary = await STAGE_TABLE.find((s) => s.name === 'binary')!.inputs({ ...ctx, keys: { chroot: 'c1' } });
    expect(binary.chroot).toBe('c1');
    const netboot = await STAGE_TABLE.find((s) => s.name === 'netboot')!.inputs({ ...ctx, keys: { binary: 'b1' } });
    expect(netboot.binary).toBe('b1');
  });
});

describe('release files', () => {
  it('are hashed again only when their size, time or inode changed', async () => {
    const { knownSha256 } = await import('./release.js');
    const { utimesSync } = await import('node:fs');
    const { repo } = fixture();
    const f = join(repo, 'a.iso');
    writeFileSync(f, 'iso');
    let reads = 0;
    const hash = (p: string) => `h${++reads}:${p.length}`;
    const known = {};
    const first = knownSha256(f, known, hash);
    expect(knownSha256(f, known, hash)).toBe(first);
    expect(reads).toBe(1);
    utimesSync(f, new Date(1000), new Date(1000));
    expect(knownSha256(f, known, hash)).not.toBe(first);
    expect(reads).toBe(2);
    // A hard link of a hashed file is not read again; a copy is.
    const { placeFile } = await import('../place-file.js');
    expect(placeFile(f, join(repo, 'out.iso'))).toBe('linked');
    expect(placeFile(f, join(repo, 'out.iso'))).toBe('same');
    expect(knownSha256(join(repo, 'out.iso'), known, hash)).toBe(`h2:${f.length}`);
    expect(reads).toBe(2);
  });
});

describe('running the table', () => {
  it('each stage comes after stages earlier in the table only', () => {
    STAGE_TABLE.forEach((s, i) => {
      for (const a of s.after)
        expect(
          STAGE_TABLE.findIndex((t) => t.name === a),
          `${s.name} after ${a}`,
        ).toBeLessThan(i);
    });
    expect(STAGE_TABLE.find((s) => s.name === 'chroot')!.after).toEqual(['package-deb', 'kernel', 'bootstrap']);
  });
  it('overlaps stages that do not depend on each other, waits for the ones they come after, reports in table order', async () => {
    const { runStages } = await import('../build.js');
    const { ctx, repo } = fixture();
    mkdirSync(ctx.logs, { recursive: true });
    const log: string[] = [];
    const stage = (name: StageName, after: StageName[], ms: number): Stage => ({
      name,
      summary: `test stage ${name}`,
      after,
      inputs: () => ({ n: name }),
      done: () => false,
      run: async () => {
        log.push(`start ${name}`);
        await new Promise((r) => setTimeout(r, ms));
        log.push(`end ${name}`);
      },
    });
    const reports = await runStages(
      ctx,
      [stage('package-deb', [], 30), stage('bootstrap', [], 10), stage('chroot', ['package-deb', 'bootstrap'], 1)],
      join(repo, 'state.json'),
    );
    expect(log).toEqual(['start package-deb', 'start bootstrap', 'end bootstrap', 'end package-deb', 'start chroot', 'end chroot']);
    expect(reports.map((r) => r.name)).toEqual(['package-deb', 'bootstrap', 'chroot']);
    expect(Object.keys(ctx.keys)).toEqual(['bootstrap', 'package-deb', 'chroot']);
  });
  it('lets running stages finish, then throws the first failure; later stages do not start', async () => {
    const { runStages } = await import('../build.js');
    const { ctx, repo } = fixture();
    mkdirSync(ctx.logs, { recursive: true });
    const log: string[] = [];
    const fail: Stage = {
      name: 'package-deb',
      summary: 'fails at once',
      after: [],
      inputs: () => ({}),
      done: () => false,
      run: () => Promise.reject(new Error('deb broke')),
    };
    const slow: Stage = {
      name: 'bootstrap',
      summary: 'takes a while',
      after: [],
      inputs: () => ({}),
      done: () => false,
      run: async () => {
        await new Promise((r) => setTimeout(r, 20));
        log.push('bootstrap done');
      },
    };
    const next: Stage = {
      name: 'chroot',
      summary: 'needs both',
      after: ['package-deb', 'bootstrap'],
      inputs: () => ({}),
      done: () => false,
      run: async () => void log.push('chroot ran'),
    };
    await expect(runStages(ctx, [fail, slow, next], join(repo, 'state.json'))).rejects.toThrow('deb broke');
    expect(log).toEqual(['bootstrap done']);
  });
});

describe('the binary stage when a step fails', () => {
  it('while the squashfs is packed: the live chroot back in place, the tools’ root dropped (made again), live-build’s archives stage file gone', async () => {
    const { ctx } = fixture();
    const tools = join(ctx.work, 'binary-tools');
    for (const [dir, mark] of [
      [join(ctx.lb, 'chroot'), 'live'],
      [tools, 'tools'],
    ] as const) {
      mkdirSync(join(dir, 'usr'), { recursive: true });
      writeFileSync(join(dir, 'mark'), mark);
    }
    mkdirSync(join(ctx.lb, '.build'), { recursive: true });
    writeFileSync(join(ctx.lb, '.build/chroot_archives'), '');
    mkdirSync(ctx.logs, { recursive: true });
    const steps: string[] = [];
    ctx.lbRun = async (args) => {
      steps.push(args.join(' '));
      return { argv: args, exitCode: 0, stdout: '', stderr: '', durationMs: 0 };
    };
    const binary = STAGE_TABLE.find((s) => s.name === 'binary')!;
    // The tools' root here is two files: `chroot` finds no /usr/bin/env in it and mksquashfs fails.
    await expect(binary.run(ctx, join(ctx.logs, 'binary.log'), 'k')).rejects.toThrow(/chroot/);
    expect(readFileSync(join(ctx.lb, 'chroot/mark'), 'utf8')).toBe('live');
    expect(existsSync(join(ctx.lb, 'chroot/usr'))).toBe(true);
    expect(existsSync(join(ctx.lb, 'chroot.live'))).toBe(false);
    expect(existsSync(tools)).toBe(false);
    expect(existsSync(join(ctx.lb, '.build/chroot_archives'))).toBe(false);
    // The live steps ran before, the leave step after the failure; no boot loader step.
    expect(steps).toContain('binary_grub_cfg');
    expect(steps.at(-1)).toBe('chroot_prep remove all-except-archives');
    expect(steps).not.toContain('binary_syslinux');
  });
});

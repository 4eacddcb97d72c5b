import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { NODE_SNAPSHOT_STAMP_FORMAT, NODE_SNAPSHOT_STAMPED, SHORT_RUN_NODE_FLAGS } from './tool-paths.js';

const bin = (f: string) => fileURLToPath(new URL(`../bin/${f}`, import.meta.url));

/**
 * The snapshot entry and the script that chooses it, with this machine's Node: the entry runs the
 * debvisor.js beside it, here a stand-in that prints what it was given and exits with 3.
 */
describe("first boot's Node start snapshot (bin/node-snapshot.cjs, bin/node-from-snapshot)", () => {
  let dir: string;
  let blob: string;
  const standIn = () => join(dir, 'debvisor.js');
  const build = (flags: string[], out: string) =>
    execa(process.execPath, [...flags, '--snapshot-blob', out, '--build-snapshot', join(dir, 'node-snapshot.cjs')]);
  /** The stamp as the installer writes it: stat, in the script's order, of this Node and the package database. */
  const stamp = async () => {
    const files = NODE_SNAPSHOT_STAMPED.map((f) => (f === '/usr/bin/node' ? process.execPath : f));
    const { stdout } = await execa('stat', ['-L', `--printf=${NODE_SNAPSHOT_STAMP_FORMAT}`, ...files]);
    writeFileSync(`${blob}.node`, `${stdout.trim()}\n`);
  };
  const runIt = (...args: string[]) =>
    execa('sh', [bin('node-from-snapshot'), blob, process.execPath, ...SHORT_RUN_NODE_FLAGS, standIn(), ...args], { reject: false });
  const seen = (stdout: string) => JSON.parse(stdout) as { argv: string[]; execArgv: string[] };
  const startsAsUsual = async () => {
    const r = await runIt('firstboot');
    expect(r.exitCode, r.stderr).toBe(3);
    expect(seen(r.stdout)).toEqual({ argv: [standIn(), 'firstboot'], execArgv: SHORT_RUN_NODE_FLAGS });
    return r;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'debvisor-snapshot-'));
    blob = join(dir, 'node-start.blob');
    copyFileSync(bin('node-snapshot.cjs'), join(dir, 'node-snapshot.cjs'));
    writeFileSync(standIn(), 'process.stdout.write(JSON.stringify({ argv: process.argv.slice(1), execArgv: process.execArgv }));\nprocess.exitCode = 3;\n');
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    await build(SHORT_RUN_NODE_FLAGS, blob);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('with a stamp that holds: Node starts from the snapshot, which runs the ES module entry with its arguments and exit status, no warning', async () => {
    await stamp();
    const r = await runIt('firstboot', '--retry', '--', '');
    expect(r.exitCode, r.stderr).toBe(3);
    expect(r.stderr).toBe('');
    expect(seen(r.stdout)).toEqual({ argv: [standIn(), 'firstboot', '--retry', '--', ''], execArgv: [...SHORT_RUN_NODE_FLAGS, '--snapshot-blob', blob] });
  });

  it('without a stamp, with an empty one, with one of another node, or without the blob: Node starts as usual', async () => {
    rmSync(`${blob}.node`, { force: true });
    expect((await startsAsUsual()).stderr).toBe('');
    writeFileSync(`${blob}.node`, '');
    await startsAsUsual();
    writeFileSync(`${blob}.node`, '1:2:3 4:5:6\n');
    await startsAsUsual();
    await stamp();
    const kept = `${blob}.kept`;
    copyFileSync(blob, kept);
    rmSync(blob);
    await startsAsUsual();
    copyFileSync(kept, blob);
  });

  it('a blob Node refuses (made with other V8 flags) or dies of (damaged): started again as usual, the stamp removed', async () => {
    await build([], blob);
    await stamp();
    let r = await startsAsUsual();
    expect(r.stderr).toMatch(/Node exited with 14 from the start snapshot; starting it as usual/);
    expect(existsSync(`${blob}.node`)).toBe(false);
    writeFileSync(blob, 'not a snapshot'.repeat(100));
    await stamp();
    r = await startsAsUsual();
    expect(r.stderr).toMatch(/Node exited with 1[3-9]\d from the start snapshot; starting it as usual/);
    expect(existsSync(`${blob}.node`)).toBe(false);
    await build(SHORT_RUN_NODE_FLAGS, blob);
  });
});

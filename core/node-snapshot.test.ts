import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { copyFileSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { SHORT_RUN_NODE_FLAGS, nodeStamp } from './tool-paths.js';

const bin = (f: string) => fileURLToPath(new URL(`../bin/${f}`, import.meta.url));

/**
 * The snapshot entry and the script that chooses it, with this machine's Node: the entry runs the
 * debvisor.js beside it, here a stand-in that prints what it was given and exits with 3.
 */
describe("first boot's Node start snapshot (bin/node-snapshot.cjs, bin/node-from-snapshot)", () => {
  let dir: string;
  let blob: string;
  const standIn = () => join(dir, 'debvisor.js');
  const runIt = (...args: string[]) =>
    execa('sh', [bin('node-from-snapshot'), blob, process.execPath, ...SHORT_RUN_NODE_FLAGS, standIn(), ...args], { reject: false });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'debvisor-snapshot-'));
    blob = join(dir, 'node-start.blob');
    copyFileSync(bin('node-snapshot.cjs'), join(dir, 'node-snapshot.cjs'));
    writeFileSync(
      standIn(),
      [
        'process.stdout.write(JSON.stringify({ argv: process.argv.slice(1), execArgv: process.execArgv, esm: typeof import.meta.url }));',
        'process.exitCode = 3;',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    await execa(process.execPath, [...SHORT_RUN_NODE_FLAGS, '--snapshot-blob', blob, '--build-snapshot', join(dir, 'node-snapshot.cjs')]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the stamp is what stat -L -c %i:%s:%Y prints for the node', async () => {
    const { stdout } = await execa('stat', ['-L', '-c', '%i:%s:%Y', process.execPath]);
    expect(nodeStamp(statSync(process.execPath))).toBe(stdout.trim());
  });

  it('with a stamp naming this node: Node starts from the snapshot, which runs the entry with its arguments and exit status, no warning', async () => {
    writeFileSync(`${blob}.node`, `${nodeStamp(statSync(process.execPath))}\n`);
    const r = await runIt('firstboot', '--retry');
    expect(r.exitCode, r.stderr).toBe(3);
    expect(r.stderr).toBe('');
    const seen = JSON.parse(r.stdout) as { argv: string[]; execArgv: string[]; esm: string };
    expect(seen.argv).toEqual([standIn(), 'firstboot', '--retry']);
    expect(seen.execArgv).toEqual([...SHORT_RUN_NODE_FLAGS, '--snapshot-blob', blob]);
    expect(seen.esm).toBe('string');
  });

  it('without a stamp, with one naming another node, or without a blob: Node starts as usual', async () => {
    const usual = async () => {
      const r = await runIt('firstboot');
      expect(r.exitCode, r.stderr).toBe(3);
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toMatchObject({ argv: [standIn(), 'firstboot'], execArgv: SHORT_RUN_NODE_FLAGS });
    };
    rmSync(`${blob}.node`, { force: true });
    await usual();
    writeFileSync(`${blob}.node`, '1:2:3\n');
    await usual();
    writeFileSync(`${blob}.node`, '');
    await usual();
    writeFileSync(`${blob}.node`, `${nodeStamp(statSync(process.execPath))}\n`);
    rmSync(blob);
    await usual();
  });
});

import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { run } from '../../core/run.js';
import { compileTool } from '../../builder/compile.js';
import { bundleTool } from '../../builder/bundle.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
/** Goals of issue 10, point 9, in milliseconds, from the .deb layout. */
const GOAL = { version: 150, example: 300, large: 400 };
const RUNS = 7;

/** The middle value of a list of numbers. */
const mid = (xs: number[]) => Math.round([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!);

/**
 * Median wall time and median CPU time (user + system, from bash's `times`) of `node BIN ARGS...`
 * over RUNS runs, a fresh process each time. On a busy machine the CPU time is the steadier figure.
 */
async function timed(bin: string, args: string[]): Promise<{ wall: number; cpu: number }> {
  const wall: number[] = [];
  const cpu: number[] = [];
  const script = 'node "$@" >/dev/null || exit 1; times';
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const r = await execa('bash', ['-c', script, 'bash', bin, ...args], { reject: false, stdin: 'ignore' });
    wall.push(performance.now() - t);
    if (r.exitCode !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
    // The second line of `times`: the children's user and system time, e.g. "0m0.052s 0m0.012s".
    const [user, sys] = (r.stdout.trim().split('\n')[1] ?? '').split(' ').map((x) => {
      const m = /^(\d+)m([\d.]+)s$/.exec(x);
      return m ? Number(m[1]) * 60_000 + Number(m[2]) * 1000 : NaN;
    });
    cpu.push(user! + sys!);
  }
  return { wall: mid(wall), cpu: mid(cpu) };
}

const mac = (i: number) => `52:54:00:${[(i >> 16) & 255, (i >> 8) & 255, i & 255].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
const figure = (t: { wall: number; cpu: number }, goal?: number) =>
  `${t.wall} ms (cpu ${t.cpu} ms)${goal === undefined ? '' : `, goal <= ${goal}: ${t.wall <= goal ? 'met' : 'NOT met'}`}`;

/**
 * The debvisor command as installed from the .deb (issue 10, point 9): the same compile into a
 * temporary directory (compileTool, as the package step runs it) with the production modules
 * only (npm ci --omit=dev), bundled and pruned as the package is (bundleTool), timed as a user
 * runs it: a new process per command. The goals are
 * for the wall time; the CPU time beside it shows what a busy machine adds.
 */
export async function benchCli(): Promise<Record<string, string | number>> {
  const dir = mkdtempSync(join(tmpdir(), 'dv-bench-cli-'));
  try {
    const lib = join(dir, 'lib');
    await compileTool(repo, lib);
    await run(['npm', 'ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: lib });
    await bundleTool(lib);
    const bin = join(lib, 'bin/debvisor.js');
    copyFileSync(join(repo, 'test/fixtures/profiles/base.yaml'), join(dir, 'base.yaml'));
    const head = 'version: 1\nextends: base.yaml\nnetwork:\n  pinning:\n    names:\n';
    const names = Array.from({ length: 1000 - head.split('\n').length + 1 }, (_, i) => `      "${mac(i)}": n${i}`).join('\n');
    const large = join(dir, 'large.yaml');
    writeFileSync(large, `${head}${names}\n`);
    const example = join(repo, 'profiles/examples/standalone.yaml');
    return {
      '--version (.deb layout)': figure(await timed(bin, ['--version']), GOAL.version),
      '--help (.deb layout)': figure(await timed(bin, ['--help'])),
      'validate an example (.deb layout)': figure(await timed(bin, ['profile', 'validate', example]), GOAL.example),
      'validate 1,000 lines (.deb layout)': figure(await timed(bin, ['profile', 'validate', large]), GOAL.large),
      'node -e 0 (the floor)': figure(await timed('-e', ['0'])),
      '--version (checkout: dist/ if fresh, else tsx)': figure(await timed(join(repo, 'bin/debvisor.js'), ['--version'])),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

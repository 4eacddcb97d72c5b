import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { execa } from 'execa';
import { run } from '../../core/run.js';
import { compileTool } from '../../builder/compile.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
/** Goals of issue 10, point 9, in milliseconds, from the .deb layout. */
const GOAL = { version: 150, example: 300, large: 400 };
const RUNS = 7;

/** The median wall time of `node BIN ARGS...` over RUNS runs (a fresh process each time). */
async function median(bin: string, args: string[]): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const r = await execa(process.execPath, [bin, ...args], { reject: false, stdin: 'ignore' });
    times.push(performance.now() - t);
    if (r.exitCode !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)]!);
}

const mac = (i: number) => `52:54:00:${[(i >> 16) & 255, (i >> 8) & 255, i & 255].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
const figure = (ms: number, goal: number) => `${ms} ms (goal <= ${goal}: ${ms <= goal ? 'met' : 'NOT met'})`;

/**
 * The debvisor command as installed from the .deb (issue 10, point 9): the same compile into a
 * temporary directory (compileTool, as the package step runs it) with the production modules
 * only (npm ci --omit=dev), timed as a user runs it: a new process per command.
 */
export async function benchCli(): Promise<Record<string, string | number>> {
  const dir = mkdtempSync(join(tmpdir(), 'dv-bench-cli-'));
  try {
    const lib = join(dir, 'lib');
    await compileTool(repo, lib);
    await run(['npm', 'ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: lib });
    const bin = join(lib, 'bin/debvisor.js');
    copyFileSync(join(repo, 'test/fixtures/profiles/base.yaml'), join(dir, 'base.yaml'));
    const head = 'version: 1\nextends: base.yaml\nnetwork:\n  pinning:\n    names:\n';
    const names = Array.from({ length: 1000 - head.split('\n').length + 1 }, (_, i) => `      "${mac(i)}": n${i}`).join('\n');
    const large = join(dir, 'large.yaml');
    writeFileSync(large, `${head}${names}\n`);
    const example = join(repo, 'profiles/examples/standalone.yaml');
    return {
      '--version (.deb layout)': figure(await median(bin, ['--version']), GOAL.version),
      '--help (.deb layout)': `${await median(bin, ['--help'])} ms`,
      'validate an example (.deb layout)': figure(await median(bin, ['profile', 'validate', example]), GOAL.example),
      'validate 1,000 lines (.deb layout)': figure(await median(bin, ['profile', 'validate', large]), GOAL.large),
      'node -e 0 (the floor)': `${await median('-e', ['0'])} ms`,
      '--version (checkout: dist/ if fresh, else tsx)': `${await median(join(repo, 'bin/debvisor.js'), ['--version'])} ms`,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

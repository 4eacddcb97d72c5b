import { describe, it, expect } from 'vitest';
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMANDS } from './main.js';

const repo = fileURLToPath(new URL('..', import.meta.url));

/** Runs the real bin entry with a module hook that records every repository module it resolves. */
async function modulesLoadedBy(args: string[]): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'dv-lazy-'));
  try {
    const hooks = `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (r.url.startsWith('file:') && !r.url.includes('/node_modules/')) appendFileSync(process.env.DV_LOADED, r.url + '\\n');
  return r;
}`;
    writeFileSync(
      join(dir, 'hook.mjs'),
      `import { register } from 'node:module';\nregister(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});\n`,
    );
    const log = join(dir, 'loaded');
    writeFileSync(log, '');
    const r = await execa(process.execPath, ['--import', join(dir, 'hook.mjs'), join(repo, 'bin/debvisor.js'), ...args], {
      reject: false,
      stdin: 'ignore',
      env: { DV_LOADED: log },
    });
    expect(r.exitCode, r.stderr).toBe(0);
    const files = readFileSync(log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((u) => fileURLToPath(u).slice(repo.length));
    // The compiled copy under dist/ stands for its source.
    return [...new Set(files.map((f) => f.replace(/^dist\//, '').replace(/\.js$/, '.ts')))].filter((f) => f !== 'bin/debvisor.ts');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the command table at the program entry', () => {
  it('each row names the file of its command: same words, same summary', async () => {
    for (const row of COMMANDS) {
      const c = (await row.load()).default;
      expect(c.words, row.words.join(' ')).toEqual(row.words);
      expect(c.summary, row.words.join(' ')).toBe(row.summary);
    }
    const names = COMMANDS.map((c) => c.words.join(' '));
    expect(new Set(names).size).toBe(names.length);
  });
  it('--version and --help load no feature module', async () => {
    const entry = ['cli/main.ts', 'core/cli/command.ts', 'core/cli/run-cli.ts', 'core/errors.ts', 'core/text.ts'];
    for (const args of [['--version'], ['--help'], ['firewall', '--help']]) {
      expect((await modulesLoadedBy(args)).sort(), args.join(' ')).toEqual([...entry].sort());
    }
  });
  it("'debvisor CMD --help' loads that command only", async () => {
    const loaded = await modulesLoadedBy(['profile', 'schema', '--help']);
    const commandFiles = loaded.filter((f) => /\/commands\//.test(f));
    expect(commandFiles).toEqual(['profiles/commands/profile-schema.ts']);
    expect(loaded.filter((f) => /^(overlays|builder|installer|firstboot)\//.test(f))).toEqual([]);
  });
});

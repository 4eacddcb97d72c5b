import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { run, type RunOptions } from '../core/run.js';
import { listFiles } from './sources.js';
import { PRECOMPILED_FOLDER } from '../core/ajv.js';

/** Data files read beside the modules that use them: renderTemplate's templates, the sshd policies. */
const DATA_FILE = /\/(templates|policies)\//;

/** Files the compiled tool reads from its own root (the version from package.json). */
const ROOT_FILES = ['package.json', 'package-lock.json', 'LICENSE'];

/** The folders tsconfig.build.json compiles: the tool's sources. */
export function compiledFolders(repo: string): string[] {
  return (JSON.parse(readFileSync(join(repo, 'tsconfig.build.json'), 'utf8')) as { include: string[] }).include;
}

/**
 * The tool as it ships, under `outDir`: the sources compiled to JavaScript beside their data
 * files, package.json, bin/debvisor.js (which runs the compiled entry beside it) and the
 * precompiled schema validators (core/ajv.ts). The .deb and the checkout's `npm run build`
 * (dist/) are this same tree; node_modules is the caller's.
 */
export async function compileTool(repo: string, outDir: string, opts: RunOptions = {}): Promise<void> {
  await run([join(repo, 'node_modules/.bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', outDir], { ...opts, cwd: repo, step: 'tsc' });
  const copy = (f: string) => {
    mkdirSync(dirname(join(outDir, f)), { recursive: true });
    cpSync(join(repo, f), join(outDir, f));
  };
  for (const f of listFiles(repo, compiledFolders(repo))) if (DATA_FILE.test(f)) copy(f);
  for (const f of [...ROOT_FILES, 'bin/debvisor.js', 'bin/node-snapshot.cjs', 'bin/node-from-snapshot']) copy(f);
  // The schemas' validators, so a command does not compile them each time it runs (made from
  // the sources: the compiled tree has no node_modules yet).
  await run([join(repo, 'node_modules/.bin/tsx'), 'cli/precompile-validators.ts', join(outDir, PRECOMPILED_FOLDER)], {
    ...opts,
    cwd: repo,
    step: 'validators',
  });
}

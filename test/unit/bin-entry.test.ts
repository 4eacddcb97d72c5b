import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execa } from 'execa';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));

// bin/debvisor.js in a small stand-in checkout: which entry does it run, the compiled dist/ or
// the TypeScript sources through tsx?
describe('bin/debvisor.js picks dist/ only while it is newer than every source', () => {
  let dir: string;
  const past = new Date(Date.now() - 3_600_000);
  const entry = (marker: string) => `export async function main() { process.stdout.write('${marker}'); return 0; }\n`;
  const which = async () => (await execa(process.execPath, [join(dir, 'bin/debvisor.js')], { stdin: 'ignore' })).stdout;
  const build = () => {
    writeFileSync(join(dir, 'dist/.built'), '');
    utimesSync(join(dir, 'dist/.built'), new Date(), new Date());
  };
  const age = (path: string) => utimesSync(join(dir, path), past, past);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dv-bin-'));
    for (const d of ['bin', 'cli/commands', 'dist/cli']) mkdirSync(join(dir, d), { recursive: true });
    for (const f of ['bin/debvisor.js', 'package.json', 'package-lock.json', 'tsconfig.json']) copyFileSync(join(repo, f), join(dir, f));
    writeFileSync(join(dir, 'tsconfig.build.json'), JSON.stringify({ include: ['cli', 'missing'] }));
    symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'));
    writeFileSync(join(dir, 'cli/main.ts'), entry('sources'));
    writeFileSync(join(dir, 'cli/commands/one.ts'), '');
    writeFileSync(join(dir, 'dist/cli/main.js'), entry('dist'));
    for (const f of [
      'bin/debvisor.js',
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'cli/main.ts',
      'cli/commands/one.ts',
      'cli/commands',
      'cli',
    ])
      age(f);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the sources when nothing was built', async () => {
    expect(await which()).toBe('sources');
  });
  it('runs dist/ after a build, also when only a test changed since', async () => {
    build();
    expect(await which()).toBe('dist');
    writeFileSync(join(dir, 'cli/commands/one.test.ts'), '');
    age('cli/commands');
    expect(await which()).toBe('dist');
  });
  it('runs the sources again when a source, a folder or a build setting is newer', async () => {
    for (const change of [
      () => writeFileSync(join(dir, 'cli/commands/one.ts'), '// edited\n'),
      () => writeFileSync(join(dir, 'cli/commands/two.ts'), ''),
      () => rmSync(join(dir, 'cli/commands/two.ts')),
      () => writeFileSync(join(dir, 'tsconfig.build.json'), JSON.stringify({ include: ['cli', 'missing'] })),
      () => writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ name: 'stand-in', type: 'module' })}\n`),
    ]) {
      build();
      expect(await which()).toBe('dist');
      // A later second: file times can be coarser than the build's stamp.
      await new Promise((r) => setTimeout(r, 20));
      change();
      expect(await which(), change.toString()).toBe('sources');
    }
  });
});

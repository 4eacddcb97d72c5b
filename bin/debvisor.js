#!/usr/bin/env node
// The `debvisor` command. In the Debian package the sources are compiled and bundled beside
// this file. In a checkout it runs dist/ (`npm run build`: compiled, not bundled) while that is newer
// than every source, and otherwise the TypeScript sources through tsx, so `npm ci` is enough.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';

// A reader that goes away (`debvisor ... | head`) is not an error worth a stack trace.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const at = (path) => new URL(path, import.meta.url);

/** dist/ is used only when compiled after the last change to a source, folder or build setting. */
function distIsFresh() {
  let built;
  try {
    built = statSync(at('../dist/.built')).mtimeMs;
  } catch {
    return false;
  }
  const { include } = JSON.parse(readFileSync(at('../tsconfig.build.json'), 'utf8'));
  const newer = (path) => statSync(path).mtimeMs > built;
  if (['../package.json', '../package-lock.json', '../tsconfig.json', '../tsconfig.build.json', './debvisor.js'].some((f) => newer(at(f)))) return false;
  for (const dir of include) {
    const root = at(`../${dir}/`);
    if (!existsSync(root)) continue;
    // A folder's time changes when a file in it is added, removed or renamed.
    if (newer(root)) return false;
    for (const e of readdirSync(root, { recursive: true, withFileTypes: true })) {
      if (e.name.endsWith('.test.ts')) continue;
      if ((e.isFile() || e.isDirectory()) && newer(`${e.parentPath ?? e.path}/${e.name}`)) return false;
    }
  }
  return true;
}

// The Debian package runs the bundle (builder/bundle.ts); a compiled tree its cli/main.js.
let entry = at('../bundle/main.js');
if (!existsSync(entry)) entry = at('../cli/main.js');
if (!existsSync(entry)) {
  if (distIsFresh()) {
    entry = at('../dist/cli/main.js');
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    entry = at('../cli/main.ts');
  }
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));

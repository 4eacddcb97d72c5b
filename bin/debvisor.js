#!/usr/bin/env node
// The `debvisor` command. In the Debian package the sources are compiled to JavaScript beside
// this file; in a checkout it runs the TypeScript sources through tsx, so `npm ci` is enough.
import { existsSync } from 'node:fs';

// A reader that goes away (`debvisor ... | head`) is not an error worth a stack trace.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

const compiled = new URL('../cli/main.js', import.meta.url);
let entry = compiled;
if (!existsSync(compiled)) {
  const { register } = await import('tsx/esm/api');
  register();
  entry = new URL('../cli/main.ts', import.meta.url);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));

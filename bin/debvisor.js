#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so a checkout works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
// A reader that goes away (`debvisor ... | head`) is not an error worth a stack trace.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});
const { main } = await import('../core/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));

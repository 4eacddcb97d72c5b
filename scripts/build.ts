// `npm run build`: compiles the checkout once into dist/, laid out as the .deb lays out the tool.
// bin/debvisor.js runs dist/ while it is newer than every source (else the sources through tsx);
// `npm test` runs this first.
import { rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileTool } from '../builder/compile.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const dist = join(repo, 'dist');
const started = new Date();
rmSync(dist, { recursive: true, force: true });
await compileTool(repo, dist);
// The stamp carries the time the compile started: a source saved during it counts as newer.
const stamp = join(dist, '.built');
writeFileSync(stamp, `${started.toISOString()}\n`);
utimesSync(stamp, started, started);
console.log(`compiled into ${dist}`);

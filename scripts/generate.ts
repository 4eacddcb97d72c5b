import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { GENERATED } from './generated-files.js';

const root = fileURLToPath(new URL('..', import.meta.url));
for (const g of GENERATED) {
  writeFileSync(`${root}/${g.path}`, g.render());
  console.log(`wrote ${g.path}`);
}

import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { GENERATED } from './generated-files.js';

describe('generated files are up to date (run `npm run gen` when this fails)', () => {
  for (const g of GENERATED) {
    it(g.path, () => {
      const committed = readFileSync(new URL(`../${g.path}`, import.meta.url), 'utf8');
      expect(committed === g.render(), `${g.path} is stale: run npm run gen`).toBe(true);
    });
  }
});

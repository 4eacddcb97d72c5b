import { mkdtempSync, writeFileSync, rmSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseYamlSource, MAX_MAP_KEYS, MAX_LIST_ITEMS } from '../../core/yaml-source.js';
import { validateProfile } from '../../profiles/validate.js';

/** Milliseconds for one call (the best of `runs`). */
function ms(fn: () => unknown, runs = 3): number {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    best = Math.min(best, performance.now() - t);
  }
  return Math.round(best);
}

const mapOf = (n: number) => Array.from({ length: n }, (_, i) => `  k${i}: ${i}`).join('\n');
const listOf = (n: number) => Array.from({ length: n }, (_, i) => `  - ${i}`).join('\n');
const mac = (i: number) => `52:54:00:${[(i >> 16) & 255, (i >> 8) & 255, i & 255].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;

/**
 * The YAML loader on large and absurd inputs (issue 9, point 9): time grows linearly with the
 * size of maps and lists (duplicate keys are found with a Set), and counts over the caps are
 * refused at once. Before: 43,000 keys took 10 s; 100,000 pinned names 78 s.
 */
export async function benchLoader(): Promise<Record<string, string | number>> {
  const dir = mkdtempSync(join(tmpdir(), 'dv-bench-loader-'));
  try {
    copyFileSync(new URL('../fixtures/profiles/base.yaml', import.meta.url), join(dir, 'base.yaml'));
    const pinned = (n: number) => {
      const f = join(dir, `pinned-${n}.yaml`);
      const names = Array.from({ length: n }, (_, i) => `      "${mac(i)}": n${i}`).join('\n');
      writeFileSync(f, `version: 1\nextends: base.yaml\nnetwork:\n  pinning:\n    names:\n${names}\n`);
      return f;
    };
    const small = pinned(1000);
    const atCap = pinned(MAX_MAP_KEYS);
    const tooLarge = pinned(40_000);
    const absurd = pinned(25_000);
    return {
      [`parse map of ${MAX_MAP_KEYS / 2} keys (ms)`]: ms(() => parseYamlSource('b.yaml', `m:\n${mapOf(MAX_MAP_KEYS / 2)}\n`)),
      [`parse map of ${MAX_MAP_KEYS} keys (ms)`]: ms(() => parseYamlSource('b.yaml', `m:\n${mapOf(MAX_MAP_KEYS)}\n`)),
      'refuse map of 43000 keys (ms)': ms(() => parseYamlSource('b.yaml', `m:\n${mapOf(43_000)}\n`)),
      [`parse list of ${MAX_LIST_ITEMS} items (ms)`]: ms(() => parseYamlSource('b.yaml', `l:\n${listOf(MAX_LIST_ITEMS)}\n`)),
      'validate 1000 pinned names (ms)': ms(() => validateProfile(small)),
      [`validate ${MAX_MAP_KEYS} pinned names (ms)`]: ms(() => validateProfile(atCap)),
      'refuse 25000 pinned names (ms)': ms(() => validateProfile(absurd)),
      'refuse 40000 pinned names, over 1 MiB (ms)': ms(() => validateProfile(tooLarge)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Dependencies point one way (STYLE.md rule 14): core <- the profile model <- consumers.
 * `core/` knows no feature; the profile model (profiles/, the firewall model included) knows no
 * consumer; renderers (overlays/) know no installer. The program's entry (cli/) assembles the
 * command table, so it may import everything. Test files obey the same rules as the code
 * beside them.
 */
const FEATURES = ['profiles', 'overlays', 'builder', 'installer', 'firstboot', 'cluster', 'cli'] as const;
const FORBIDDEN: Record<string, readonly string[]> = {
  core: FEATURES,
  profiles: ['overlays', 'builder', 'installer', 'firstboot', 'cluster', 'cli'],
  overlays: ['builder', 'installer', 'firstboot', 'cluster', 'cli'],
  // The cluster plugs into first boot through firstboot/step.ts; it knows no installer.
  cluster: ['builder', 'installer', 'cli'],
};
/** Files allowed to break the rule for now, each with the reason and the issue that removes it. */
const EXEMPT: Record<string, string> = {};

const repo = fileURLToPath(new URL('../..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(join(repo, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|mts|js|mjs)$/.test(e.name))
    .map((e) => relative(repo, join(e.parentPath, e.name)).split(sep).join('/'));
}

/** Relative specifiers of static imports, re-exports and dynamic imports. */
// biome-ignore lint/suspicious/noExportsInTest: other import-scanning tests reuse this parser
export function importsOf(text: string): string[] {
  const out: string[] = [];
  const re = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)(['"])(\.{1,2}\/[^'"]+)\1/gm;
  for (const m of text.matchAll(re)) out.push(m[2]!);
  return out;
}

/** Top folder of the file a specifier in `file` names. */
function areaOf(file: string, spec: string): string {
  return relative(repo, resolve(repo, dirname(file), spec)).split(sep)[0]!;
}

describe('dependencies point one way', () => {
  it('finds imports of every form', () => {
    expect(
      importsOf("import a from '../x.js';\nexport { b } from \"./y.js\";\nconst c = await import('../../z.js');\nimport './side.js';\nimport d from 'yaml';"),
    ).toEqual(['../x.js', './y.js', '../../z.js', './side.js']);
  });
  for (const [area, forbidden] of Object.entries(FORBIDDEN)) {
    it(`nothing under ${area}/ imports ${forbidden.join(', ')}`, () => {
      const files = sources(area);
      expect(files.length).toBeGreaterThan(0);
      const offences = files
        .filter((f) => !(f in EXEMPT))
        .flatMap((f) =>
          importsOf(readFileSync(join(repo, f), 'utf8'))
            .filter((s) => forbidden.includes(areaOf(f, s)))
            .map((s) => `${f} imports ${s}`),
        );
      expect(offences).toEqual([]);
    });
  }
});

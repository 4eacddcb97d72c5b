import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The plan is pure (STYLE.md rule 3): nothing under installer/plan may import a module that
 * reaches the machine, and neither may anything it imports, however indirectly. Type-only
 * imports are erased and do not count. Reading the renderer's own templates is allowed.
 */
const repo = fileURLToPath(new URL('../..', import.meta.url));
const here = fileURLToPath(new URL('.', import.meta.url));
/** Modules that act on the machine: spawn processes, write files, open sockets. */
const EFFECTS = /^(node:)?(child_process|net|dgram|http|https|tls|worker_threads|cluster)$|^execa$/;
const FS_WRITES =
  /\b(writeFileSync|writeSync|openSync|mkdirSync|renameSync|rmSync|unlinkSync|chmodSync|chownSync|copyFileSync|appendFileSync|mkdtempSync|createWriteStream)\b/;
const EFFECT_MODULES = ['core/run.ts', 'core/fileset.ts', 'core/target-root.ts', 'installer/facts/gather.ts'];

/** Modules the plan reaches that import an effect they never use on the plan's path, each with the reason (none today). */
const EXEMPT: Record<string, string> = {};

/** Relative specifiers of static imports, re-exports and dynamic imports (as test/unit/dependency-direction.test.ts reads them). */
function importsOf(text: string): string[] {
  return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)(['"])(\.{1,2}\/[^'"]+)\1/gm)].map((m) => m[2]!);
}

function valueImports(text: string): { relative: string[]; bare: string[] } {
  const code = text.replace(/^\s*import\s+type\s[^;]+;/gm, '').replace(/^\s*export\s+type\s[^;]+;/gm, '');
  const bare = [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)(['"])([^.'"][^'"]*)\1/gm)].map((m) => m[2]!);
  return { relative: importsOf(code), bare };
}

function closure(entry: string): Set<string> {
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length) {
    const f = stack.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    if (relative(repo, f) in EXEMPT) continue;
    for (const spec of valueImports(readFileSync(f, 'utf8')).relative) stack.push(resolve(dirname(f), spec.replace(/\.js$/, '.ts')));
  }
  return seen;
}

describe('installer/plan is pure', () => {
  const files = readdirSync(here).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  it('has modules to check', () => expect(files).toContain('plan-install.ts'));
  it.each(files)('%s imports no fs, process or network module, directly or through its imports', (f) => {
    const direct = valueImports(readFileSync(join(here, f), 'utf8')).bare;
    expect(direct.filter((b) => /^(node:)?fs/.test(b) || EFFECTS.test(b))).toEqual([]);
    const offences: string[] = [];
    for (const m of closure(join(here, f))) {
      const rel = relative(repo, m);
      if (rel in EXEMPT) continue;
      const text = readFileSync(m, 'utf8');
      if (EFFECT_MODULES.includes(rel)) offences.push(`${rel} (an effect module)`);
      for (const b of valueImports(text).bare) if (EFFECTS.test(b)) offences.push(`${rel} imports ${b}`);
      if (FS_WRITES.test(text.replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, ''))) offences.push(`${rel} writes files`);
    }
    expect(offences).toEqual([]);
  });
});

import { existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Plugin } from 'esbuild';

/**
 * The installed tool runs from one bundle instead of ~900 module files: under emulation Node's
 * module loader, not the work, was most of a command's start (first boot waited about 9 s for
 * it), and dpkg unpacking 9,500 files of node_modules was most of an image rebuild after a
 * one-file change. esbuild bundles cli/main.js with its command files as chunks, still loaded
 * only when their command runs.
 */
export const BUNDLE_DIR = 'bundle';

/**
 * Packages the bundle loads at run time with `createRequire` (their names are not visible to
 * the bundler): the schema validators' ajv runtime and formats, and handlebars. They and their
 * dependencies stay in node_modules; every other package lives only in the bundle.
 */
export const RUNTIME_PACKAGES = ['ajv', 'ajv-formats', 'handlebars'];

/**
 * Left out of the bundle: esbuild itself (the builder's, a native program: only `iso build` from
 * a checkout uses it) and the React devtools ink imports only when DEV=true (not installed).
 */
export const EXTERNAL = ['esbuild', 'react-devtools-core'];

/**
 * Every output file (entry and chunks) gets a `require` for the CommonJS packages inside it and
 * the tool's root, `lib/`, one folder above the bundle.
 */
export const BANNER = [
  "import { createRequire as __debvisorCreateRequire } from 'node:module';",
  'const require = __debvisorCreateRequire(import.meta.url);',
  `const __debvisorRoot = new URL('../', import.meta.url);`,
].join('\n');

/**
 * Pure: a module of the tool finds its data files (templates, policies, the validators,
 * package.json) from `import.meta.url`; in the bundle each keeps the URL of its compiled file,
 * which is still in the package beside them.
 */
export function keepOwnUrl(source: string, relPath: string): string {
  return source.replaceAll('import.meta.url', `new URL(${JSON.stringify(relPath.split(sep).join('/'))}, __debvisorRoot).href`);
}

function ownUrls(lib: string): Plugin {
  const own = (p: string) => p.startsWith(lib + sep) && !p.includes(`${sep}node_modules${sep}`);
  return {
    name: 'debvisor-own-urls',
    setup(b) {
      b.onLoad({ filter: /\.js$/ }, async (args) => {
        if (!own(args.path)) return undefined;
        const source = await readFile(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        return { contents: keepOwnUrl(source, relative(lib, args.path)), loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}

/**
 * Pure: the node_modules folders (package-lock.json `packages` keys) that `roots` need, with
 * their dependencies resolved as Node does: nested first, then each folder up.
 */
export function dependencyClosure(
  lock: Record<string, { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }>,
  roots: string[],
): Set<string> {
  const keep = new Set<string>();
  const resolve = (from: string, name: string): string | undefined => {
    for (let dir = from; ; ) {
      const key = `${dir ? `${dir}/` : ''}node_modules/${name}`;
      if (lock[key]) return key;
      if (!dir) return undefined;
      const i = dir.lastIndexOf('/node_modules/');
      dir = i < 0 ? '' : dir.slice(0, i);
    }
  };
  const visit = (key: string) => {
    if (keep.has(key)) return;
    keep.add(key);
    const p = lock[key]!;
    for (const dep of Object.keys({ ...p.dependencies, ...p.optionalDependencies })) {
      const found = resolve(key, dep);
      if (found) visit(found);
    }
  };
  for (const r of roots) {
    const key = resolve('', r);
    if (!key) throw new Error(`${r} is not in package-lock.json: the bundle needs it at run time`);
    visit(key);
  }
  return keep;
}

/** Removes every installed package of `lib/node_modules` that is not in `keep` (lock keys). */
export function pruneNodeModules(lib: string, keep: Set<string>): void {
  const walk = (dir: string, prefix: string) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      if (name.startsWith('.')) {
        rmSync(join(dir, name), { recursive: true, force: true });
        continue;
      }
      if (name.startsWith('@')) {
        for (const sub of readdirSync(join(dir, name))) prunePackage(join(dir, name, sub), `${prefix}${name}/${sub}`);
        if (readdirSync(join(dir, name)).length === 0) rmSync(join(dir, name), { recursive: true });
        continue;
      }
      prunePackage(join(dir, name), `${prefix}${name}`);
    }
  };
  const prunePackage = (path: string, key: string) => {
    if (!keep.has(key)) {
      rmSync(path, { recursive: true, force: true });
      return;
    }
    const nested = join(path, 'node_modules');
    if (existsSync(nested) && statSync(nested).isDirectory()) walk(nested, `${key}/node_modules/`);
  };
  walk(join(lib, 'node_modules'), 'node_modules/');
}

/**
 * The compiled modules are in the bundle now: only their data files stay (templates, policies,
 * the validators), with bin/ and package.json. Nothing can run a stale module beside the bundle.
 */
function removeBundledModules(lib: string): void {
  for (const e of readdirSync(lib, { recursive: true, withFileTypes: true })) {
    const dir = e.parentPath;
    const top = relative(lib, dir).split(sep)[0];
    if (!e.isFile() || !e.name.endsWith('.js') || ['bin', BUNDLE_DIR, 'node_modules'].includes(top ?? '') || dir === lib) continue;
    rmSync(join(dir, e.name));
  }
  const dirs = readdirSync(lib, { recursive: true, withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => join(e.parentPath, e.name))
    .filter((d) => !relative(lib, d).startsWith('node_modules'))
    .sort((a, b) => b.length - a.length);
  for (const d of dirs) if (readdirSync(d).length === 0) rmSync(d, { recursive: true });
}

/**
 * Bundles the compiled tool under `lib` (compiled sources, production node_modules) into
 * `lib/bundle/`, then keeps only the packages the bundle loads at run time. esbuild comes from the
 * builder's own node_modules.
 */
export async function bundleTool(lib: string): Promise<{ warnings: string[] }> {
  const { build } = await import('esbuild');
  const r = await build({
    entryPoints: [join(lib, 'cli/main.js')],
    outdir: join(lib, BUNDLE_DIR),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    banner: { js: BANNER },
    external: EXTERNAL,
    plugins: [ownUrls(lib)],
    // Reproducible: no absolute paths in the output, chunk names from their content.
    absWorkingDir: lib,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const lock = JSON.parse(readFileSync(join(lib, 'package-lock.json'), 'utf8')) as { packages: Parameters<typeof dependencyClosure>[0] };
  pruneNodeModules(lib, dependencyClosure(lock.packages, RUNTIME_PACKAGES));
  removeBundledModules(lib);
  return { warnings: r.warnings.map((w) => `${w.location ? `${w.location.file}:${w.location.line}: ` : ''}${w.text}`) };
}

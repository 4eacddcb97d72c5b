import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dependencyClosure, keepOwnUrl, pruneNodeModules } from './bundle.js';

describe('the bundle of the installed tool', () => {
  it("keeps each of the tool's modules at its own URL, for the data files beside it", () => {
    const src = "const tpl = (n) => renderTemplate(import.meta.url, `templates/${n}`);\nconst pkg = new URL('../../package.json', import.meta.url);";
    expect(keepOwnUrl(src, 'overlays/panel/nginx.js')).toBe(
      'const tpl = (n) => renderTemplate(new URL("overlays/panel/nginx.js", __debvisorRoot).href, `templates/${n}`);\n' +
        'const pkg = new URL(\'../../package.json\', new URL("overlays/panel/nginx.js", __debvisorRoot).href);',
    );
  });

  const lock = {
    '': { dependencies: { ajv: '^8', ink: '^6' } },
    'node_modules/ajv': { dependencies: { 'fast-uri': '^3', 'json-schema-traverse': '^1' } },
    'node_modules/fast-uri': {},
    'node_modules/json-schema-traverse': {},
    // A nested copy wins over the top-level one for its parent.
    'node_modules/handlebars': { dependencies: { 'source-map': '^0.6', minimist: '^1' }, optionalDependencies: { 'uglify-js': '^3' } },
    'node_modules/handlebars/node_modules/source-map': {},
    'node_modules/source-map': {},
    'node_modules/minimist': {},
    'node_modules/uglify-js': {},
    'node_modules/ink': { dependencies: { 'es-toolkit': '^1' } },
    'node_modules/es-toolkit': {},
    'node_modules/@scope/thing': { dependencies: { minimist: '^1' } },
  };

  it('keeps the run-time packages and what they need, resolved as Node resolves them', () => {
    expect([...dependencyClosure(lock, ['ajv', 'handlebars'])].sort()).toEqual([
      'node_modules/ajv',
      'node_modules/fast-uri',
      'node_modules/handlebars',
      'node_modules/handlebars/node_modules/source-map',
      'node_modules/json-schema-traverse',
      'node_modules/minimist',
      'node_modules/uglify-js',
    ]);
    expect(() => dependencyClosure(lock, ['left-pad'])).toThrow(/left-pad is not in package-lock.json/);
  });

  it('removes every other installed package, scoped and nested ones too', () => {
    const lib = mkdtempSync(join(tmpdir(), 'bundle-prune-'));
    try {
      for (const key of Object.keys(lock).filter(Boolean)) {
        mkdirSync(join(lib, key), { recursive: true });
        writeFileSync(join(lib, key, 'package.json'), '{}');
      }
      writeFileSync(join(lib, 'node_modules/.package-lock.json'), '{}');
      pruneNodeModules(lib, dependencyClosure(lock, ['ajv', 'handlebars']));
      expect(readdirSync(join(lib, 'node_modules')).sort()).toEqual(['ajv', 'fast-uri', 'handlebars', 'json-schema-traverse', 'minimist', 'uglify-js']);
      expect(readdirSync(join(lib, 'node_modules/handlebars/node_modules'))).toEqual(['source-map']);
    } finally {
      rmSync(lib, { recursive: true, force: true });
    }
  });
});

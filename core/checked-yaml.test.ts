import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Static } from '@sinclair/typebox';
import { checkYamlFile, checkYamlText, type CheckedYamlKind } from './checked-yaml.js';
import { obj, str, int, list } from './schema-helpers.js';
import type { Finding } from './issue.js';

const Schema = obj('A small file.', {
  name: str('A name.', { pattern: '^[a-z]+$' }),
  size: int('A size.', { minimum: 1, default: 4 }),
  tags: list('Tags.', str('One tag.'), { default: [] }),
});
type Small = Static<typeof Schema>;
const longName = (v: Small): Finding[] => (v.name.length > 5 ? [{ path: '/name', code: 'E_LONG', message: 'too long' }] : []);
const bigSize = (v: Small): Finding[] => (v.size > 10 ? [{ path: '/size', code: 'E_BIG', message: 'too big' }] : []);
const kind: CheckedYamlKind<Small> = { schema: Schema, rules: [longName, bigSize] };
const codes = (text: string, k = kind) => {
  const r = checkYamlText('f.yaml', text, k);
  return r.ok ? [] : r.issues.map((i) => `${i.line}:${i.col} ${i.path} ${i.code}`);
};

describe('the one checked-YAML loader', () => {
  it('fills defaults and returns the typed value', () => {
    const r = checkYamlText('f.yaml', 'name: abc\n', kind);
    expect(r.ok && r.value).toEqual({ name: 'abc', size: 4, tags: [] });
  });
  it('gives every issue its position and key path, sorted', () => {
    expect(codes('size: 0\nname: ABC\n')).toEqual(['1:1 /size E_SCHEMA_RANGE', '2:1 /name E_SCHEMA_PATTERN']);
    expect(codes('name: abcdefg\nsize: 11\n')).toEqual(['1:1 /name E_LONG', '2:1 /size E_BIG']);
  });
  it('stops at shape errors by default; `continue` reports the rules at other keys too', () => {
    expect(codes('name: abcdefg\nsize: 0\n')).toEqual(['2:1 /size E_SCHEMA_RANGE']);
    expect(codes('name: abcdefg\nsize: 0\n', { ...kind, afterShapeErrors: 'continue' })).toEqual(['1:1 /name E_LONG', '2:1 /size E_SCHEMA_RANGE']);
  });
  it('a rule that trips over malformed data is skipped only when the shape already failed', () => {
    const fragile = (v: Small): Finding[] => [{ path: '/tags', code: 'E_T', message: `${v.tags.map((t) => t.length).join()}` }];
    expect(codes('name: abc\ntags: 3\n', { schema: Schema, rules: [fragile], afterShapeErrors: 'continue' })).toEqual(['2:1 /tags E_SCHEMA_TYPE']);
    const broken = () => {
      throw new Error('bug');
    };
    expect(() => checkYamlText('f.yaml', 'name: abc\n', { schema: Schema, rules: [broken] })).toThrow('bug');
  });
  it('applies the YAML safety checks: tags, prototype keys, duplicate keys', () => {
    expect(codes('name: !!str abc\n')).toEqual(['1:1 /name E_YAML_TAG']);
    expect(codes('name: abc\n__proto__: { size: 99 }\n')).toEqual(['2:1 /__proto__ E_YAML_KEY']);
    expect(codes('name: abc\nname: def\n')).toEqual(['2:1 /name E_YAML_DUPLICATE_KEY']);
  });

  describe('files', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'dv-checked-yaml-'));
      execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
      writeFileSync(join(dir, 'ok.yaml'), 'name: abc\n');
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reads a regular file and names it as shown', () => {
      const r = checkYamlFile(join(dir, 'ok.yaml'), kind, 'ok.yaml');
      expect(r.ok && r.docs[0]).toMatchObject({ file: 'ok.yaml', text: 'name: abc\n' });
    });
    it('a FIFO fails at once: thrown as it is, or a positioned issue through readError', { timeout: 5000 }, () => {
      expect(() => checkYamlFile(join(dir, 'pipe.yaml'), kind)).toThrow(/not a regular file/);
      const r = checkYamlFile(
        join(dir, 'pipe.yaml'),
        { ...kind, readError: (e) => ({ path: '', code: 'E_READ', message: (e as Error).message }) },
        'pipe.yaml',
      );
      expect(r.ok ? [] : r.issues).toMatchObject([{ file: 'pipe.yaml', line: 1, col: 1, code: 'E_READ' }]);
    });
  });
});

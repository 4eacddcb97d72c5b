import { describe, it, expect } from 'vitest';
import { parseYamlSource, MAX_MAP_KEYS, MAX_LIST_ITEMS } from './yaml-source.js';

const codes = (text: string) => {
  const r = parseYamlSource('f.yaml', text);
  return r.ok ? [] : r.issues.map((i) => `${i.line}:${i.col} ${i.path} ${i.code}`);
};

describe('parseYamlSource: plain YAML of bounded size', () => {
  it('finds duplicate keys itself, at the second key', () => {
    expect(codes('a:\n  b: 1\n  c: 2\n  b: 3\n')).toEqual(['4:3 /a/b E_YAML_DUPLICATE_KEY']);
    expect(codes('1: a\n"1": b\n')).toEqual(['2:1 /1 E_YAML_DUPLICATE_KEY']);
  });
  it('refuses a map with more keys than MAX_MAP_KEYS, at the map', () => {
    const many = Array.from({ length: MAX_MAP_KEYS + 1 }, (_, i) => `  k${i}: ${i}`).join('\n');
    expect(codes(`names:\n${many}\n`)).toEqual(['1:1 /names E_YAML_SIZE']);
    const enough = Array.from({ length: MAX_MAP_KEYS }, (_, i) => `  k${i}: ${i}`).join('\n');
    expect(codes(`names:\n${enough}\n`)).toEqual([]);
  });
  it('refuses a list with more entries than MAX_LIST_ITEMS', () => {
    const many = Array.from({ length: MAX_LIST_ITEMS + 1 }, (_, i) => `  - ${i}`).join('\n');
    expect(codes(`list:\n${many}\n`)).toEqual(['1:1 /list E_YAML_SIZE']);
  });
  it('refuses tags, complex keys and prototype keys, and keeps plain data', () => {
    expect(codes('a: !!binary aGk=\n')).toEqual(['1:1 /a E_YAML_TAG']);
    expect(codes('--- !!set\n? a\n')).toEqual(['1:1  E_YAML_TAG']);
    expect(codes('a:\n  - prototype: 1\n')).toEqual(['2:5 /a/0/prototype E_YAML_KEY']);
    const r = parseYamlSource('f.yaml', 'a: [1, "x", true, null]\nb: { c: 1.5 }\n');
    expect(r.ok && r.doc.data).toEqual({ a: [1, 'x', true, null], b: { c: 1.5 } });
  });
});

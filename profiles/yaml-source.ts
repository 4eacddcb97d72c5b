import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Node as YamlNode } from 'yaml';
import type { Position } from '../core/errors.js';
import { pointer, type Issue } from './issue.js';

/** Limit on alias expansion, so a hostile profile cannot blow up memory ("billion laughs"). */
export const MAX_ALIAS_COUNT = 100;

export interface SourceDoc {
  file: string;
  data: unknown;
  /** JSON pointer → position of the key (or list item) in this file. */
  positions: Map<string, Position>;
}

export type ParseResult = { ok: true; doc: SourceDoc } | { ok: false; issues: Issue[] };

/** Parses one YAML profile, keeping the position of every key; syntax errors become issues. */
export function parseYamlSource(file: string, text: string): ParseResult {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false, strict: true });
  const at = (offset: number): Position => {
    const { line, col } = lc.linePos(offset);
    return { file, line, col };
  };
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length) {
    return {
      ok: false,
      issues: problems.map((e) => {
        const where = at(e.pos[0]);
        const duplicate = e.code === 'DUPLICATE_KEY';
        const message = (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, '');
        return {
          ...where,
          path: '',
          code: duplicate ? 'E_YAML_DUPLICATE_KEY' : 'E_YAML_SYNTAX',
          message: duplicate ? 'duplicate key: a key may appear only once in a map' : `YAML syntax error: ${message}`,
          hint: duplicate ? 'remove or merge the repeated key' : 'check indentation, quoting and the characters around this position',
        };
      }),
    };
  }
  const positions = new Map<string, Position>();
  positions.set('', { file, line: 1, col: 1 });
  const walk = (node: unknown, path: (string | number)[]): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const here = [...path, key];
        const range = (pair.key as YamlNode | null)?.range;
        if (range) positions.set(pointer(here), at(range[0]));
        walk(pair.value, here);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const here = [...path, i];
        const range = (item as YamlNode | null)?.range;
        if (range) positions.set(pointer(here), at(range[0]));
        walk(item, here);
      });
    }
  };
  walk(doc.contents, []);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    return {
      ok: false,
      issues: [{ file, line: 1, col: 1, path: '', code: 'E_YAML_ALIAS', message: `YAML could not be expanded: ${(err as Error).message}`, hint: 'use fewer aliases (*name) or write the values out' }],
    };
  }
  return { ok: true, doc: { file, data, positions } };
}

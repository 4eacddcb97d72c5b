import { LineCounter, parseDocument, isMap, isSeq, isScalar, isAlias, type Node as YamlNode } from 'yaml';
import type { Position } from './errors.js';
import { pointer, type Issue } from './issue.js';

/** Limit on alias expansion, so a hostile profile cannot blow up memory ("billion laughs"). */
export const MAX_ALIAS_COUNT = 100;
/** Keys in one map, entries in one list and nodes in one file: far above any real profile, spec or model. */
export const MAX_MAP_KEYS = 10_000;
export const MAX_LIST_ITEMS = 20_000;
export const MAX_YAML_NODES = 200_000;
/** Keys that would reach an object's prototype in JavaScript; no schema uses them. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export interface SourceDoc {
  file: string;
  data: unknown;
  /** JSON pointer → position of the key (or list item) in this file. */
  positions: Map<string, Position>;
  /** The text it was parsed from, for edits that keep comments and layout. */
  text: string;
}

export type ParseResult = { ok: true; doc: SourceDoc } | { ok: false; issues: Issue[] };

/**
 * Parses one YAML file (profile, build spec, firewall model), keeping the position of every key.
 * Only plain maps with scalar keys, lists and scalars are accepted: no tags (`!!omap`, `!!set`,
 * `!custom` change what a value means), no keys that reach a JavaScript prototype, no absurd
 * sizes. Duplicate keys are found here with one Set per map (the YAML library's own check is
 * quadratic). Syntax errors and all of these become positioned issues.
 */
export function parseYamlSource(file: string, text: string): ParseResult {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: false, prettyErrors: false, strict: true });
  const at = (offset: number): Position => {
    const { line, col } = lc.linePos(offset);
    return { file, line, col };
  };
  const problems = [...doc.errors, ...doc.warnings.filter((w) => w.code !== 'TAG_RESOLVE_FAILED')];
  if (problems.length) {
    return {
      ok: false,
      issues: problems.map((e) => {
        const message = (e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, '');
        return {
          ...at(e.pos[0]),
          path: '',
          code: 'E_YAML_SYNTAX',
          message: `YAML syntax error: ${message}`,
          hint: 'check indentation, quoting and the characters around this position',
        };
      }),
    };
  }
  const issues: Issue[] = [];
  const positions = new Map<string, Position>();
  positions.set('', { file, line: 1, col: 1 });
  // Reported at the key or list item that holds the node (a block list's own range starts a line later).
  const refuse = (node: YamlNode | null | undefined, path: (string | number)[], code: string, message: string, hint: string, atNode = false): void => {
    const where = (atNode ? undefined : positions.get(pointer(path))) ?? at(node?.range?.[0] ?? 0);
    issues.push({ ...where, path: pointer(path), code, message, hint });
  };
  let nodes = 0;
  const walk = (node: unknown, path: (string | number)[]): void => {
    if (++nodes > MAX_YAML_NODES) {
      if (nodes === MAX_YAML_NODES + 1)
        refuse(node as YamlNode, path, 'E_YAML_SIZE', `the file has more than ${MAX_YAML_NODES} values`, 'split it, or check that it is the file you meant');
      return;
    }
    if (isAlias(node) || node === null || node === undefined) return;
    const tag = (node as YamlNode).tag;
    if (tag !== undefined) {
      refuse(
        node as YamlNode,
        path,
        'E_YAML_TAG',
        `the YAML tag ${tag.replace(/^tag:yaml\.org,2002:/, '!!')} is not accepted`,
        'write plain maps, lists and values without tags (!!omap, !!set, !name)',
      );
      return;
    }
    if (isMap(node)) {
      if (node.items.length > MAX_MAP_KEYS) {
        refuse(node, path, 'E_YAML_SIZE', `this map has ${node.items.length} keys, more than ${MAX_MAP_KEYS}`, 'no setting needs that many; check the file');
        return;
      }
      const seen = new Set<string>();
      for (const pair of node.items) {
        const keyNode = pair.key as YamlNode | null;
        if (!isScalar(keyNode) || keyNode.tag !== undefined || (keyNode.value !== null && typeof keyNode.value === 'object')) {
          refuse(
            keyNode,
            path,
            'E_YAML_KEY',
            'a key must be a plain value, not a list, a map or a tagged value',
            'write the key as text, for example name:',
            true,
          );
          continue;
        }
        const key = String(keyNode.value);
        const here = [...path, key];
        if (seen.has(key)) {
          refuse(keyNode, here, 'E_YAML_DUPLICATE_KEY', 'duplicate key: a key may appear only once in a map', 'remove or merge the repeated key', true);
          continue;
        }
        seen.add(key);
        if (FORBIDDEN_KEYS.has(key)) {
          refuse(keyNode, here, 'E_YAML_KEY', `'${key}' is not accepted as a key`, 'no setting has this name; remove it', true);
          continue;
        }
        if (keyNode.range) positions.set(pointer(here), at(keyNode.range[0]));
        walk(pair.value, here);
      }
    } else if (isSeq(node)) {
      if (node.items.length > MAX_LIST_ITEMS) {
        refuse(
          node,
          path,
          'E_YAML_SIZE',
          `this list has ${node.items.length} entries, more than ${MAX_LIST_ITEMS}`,
          'no setting needs that many; check the file',
        );
        return;
      }
      node.items.forEach((item, i) => {
        const here = [...path, i];
        const range = (item as YamlNode | null)?.range;
        if (range) positions.set(pointer(here), at(range[0]));
        walk(item, here);
      });
    }
  };
  walk(doc.contents, []);
  if (issues.length) return { ok: false, issues };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    return {
      ok: false,
      issues: [
        {
          file,
          line: 1,
          col: 1,
          path: '',
          code: 'E_YAML_ALIAS',
          message: `YAML could not be expanded: ${(err as Error).message}`,
          hint: 'use fewer aliases (*name) or write the values out',
        },
      ],
    };
  }
  return { ok: true, doc: { file, data, positions, text } };
}

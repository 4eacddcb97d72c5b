import { relative } from 'node:path';
import type { TSchema } from '@sinclair/typebox';
import type { Position } from './errors.js';
import { readRegularFile } from './read-file.js';
import { parseYamlSource, type SourceDoc } from './yaml-source.js';
import { checkShape, type KeyHints } from './schema-check.js';
import { fillDefaults } from './ajv.js';
import { issueAt, sortIssues, type Finding, type Issue } from './issue.js';

/**
 * The one way a checked YAML file is read: YAML with positions (and its safety checks: no tags,
 * no prototype keys, no duplicate keys, size caps) → schema → defaults → rules → positioned
 * issues. Profiles (with `extends` layered on top), the build spec, the node's firewall model and
 * every later file (installer answers, first-boot state) go through it, so a user sees the same
 * `file:line:col: /key/path: message (hint)` whatever the file.
 */
export interface CheckedYamlKind<T> {
  /** The shape (TypeBox, checked by ajv). */
  schema: TSchema;
  /** Advice for keys the schema lacks but people write by habit. */
  keyHints?: KeyHints;
  /** The value with every default filled in (on a copy); the schema's own defaults unless given. */
  defaults?: (data: unknown) => T;
  /** Pure checks of meaning over the value with defaults; each finding names its key path. */
  rules?: readonly ((value: T) => Finding[])[];
  /**
   * When the shape is wrong: `stop` reports the shape alone (the default); `continue` runs the
   * rules as well, skips a rule that trips over data the schema already reported, and keeps
   * what the rules find at other keys, so every problem shows at once.
   */
  afterShapeErrors?: 'stop' | 'continue';
  /**
   * A file that cannot be read (missing, not a regular file, too large) as a finding at line 1.
   * Without it the error is thrown as it came (an InputFileError or the system's error).
   */
  readError?: (err: unknown) => Finding;
}

export type Checked<T> = { ok: true; value: T; docs: SourceDoc[] } | { ok: false; issues: Issue[] };

/** Shows paths relative to the working directory when that is shorter, as compilers do. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') ? rel : file;
}

/** Position of the deepest key along `path` that some document defines (the first document wins). */
export function locate(docs: readonly SourceDoc[], path: string): Position {
  let p = path;
  for (;;) {
    for (const doc of docs) {
      const pos = doc.positions.get(p);
      if (pos) return pos;
    }
    if (p === '') break;
    p = p.slice(0, p.lastIndexOf('/'));
  }
  return { file: docs[0]?.file ?? '?', line: 1, col: 1 };
}

/** Reads `file` (a regular file of bounded size), then checks it; `shown` is the name issues carry. */
export function checkYamlFile<T>(file: string, kind: CheckedYamlKind<T>, shown = file): Checked<T> {
  let text: string;
  try {
    text = readRegularFile(file);
  } catch (err) {
    if (!kind.readError) throw err;
    return { ok: false, issues: [issueAt({ file: shown, line: 1, col: 1 }, kind.readError(err))] };
  }
  return checkYamlText(shown, text, kind);
}

/** Checks YAML text already read (an edit not yet written, a test), named `file` in issues. */
export function checkYamlText<T>(file: string, text: string, kind: CheckedYamlKind<T>): Checked<T> {
  const parsed = parseYamlSource(file, text);
  if (!parsed.ok) return parsed;
  return checkYamlData(parsed.doc.data, [parsed.doc], kind);
}

/**
 * Checks data parsed from `docs` (one file, or several merged by the caller: the first document
 * that defines a key gives its position). `known` are issues the caller already found; a key
 * they name gets no second, derived complaint.
 */
export function checkYamlData<T>(data: unknown, docs: readonly SourceDoc[], kind: CheckedYamlKind<T>, known: readonly Issue[] = []): Checked<T> {
  const knownPaths = new Set(known.map((i) => i.path));
  const allShape = checkShape(data, kind.schema, kind.keyHints);
  const shapeFailed = allShape.length > 0;
  const shape = allShape.filter((f) => !knownPaths.has(f.path));
  const value = kind.defaults ? kind.defaults(data) : (fillDefaults(structuredClone(data), kind.schema) as T);
  const meaning: Finding[] = [];
  if (!shapeFailed || kind.afterShapeErrors === 'continue') {
    const shapePaths = new Set(shape.map((f) => f.path));
    for (const rule of kind.rules ?? []) {
      let found: Finding[];
      try {
        found = rule(value);
      } catch (err) {
        // Malformed data the schema already reported can trip a rule; anything else is a bug.
        if (!shapeFailed) throw err;
        continue;
      }
      meaning.push(...found.filter((f) => !shapePaths.has(f.path) && !knownPaths.has(f.path)));
    }
  }
  const issues = [...known, ...[...shape, ...meaning].map((f) => issueAt(locate(docs, f.path), f))];
  if (issues.length) return { ok: false, issues: sortIssues(issues) };
  return { ok: true, value, docs: [...docs] };
}

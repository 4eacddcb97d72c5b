import type { ErrorObject } from 'ajv';
import type { TSchema } from '@sinclair/typebox';
import { didYouMean } from './suggest.js';
import type { Finding } from './issue.js';
import { schemaErrors } from './ajv.js';
import { SINGLE_LINE_PATTERN, SINGLE_LINE_HINT } from './schema-helpers.js';

type Schema = Record<string, unknown>;

/** How formats are named in messages. */
const FORMAT_NAMES: Record<string, string> = { 'https-url': 'https URL', 'web-url': 'http or https URL', email: 'e-mail address' };

const holdsSecrets = new WeakMap<object, boolean>();

/** Whether a value here may be (or contain) a secret: `x-secret` or `x-no-echo` on the schema or anywhere below it. */
function mayHoldSecret(schema: unknown): boolean {
  if (!schema || typeof schema !== 'object') return false;
  const known = holdsSecrets.get(schema);
  if (known !== undefined) return known;
  holdsSecrets.set(schema, false);
  const s = schema as Schema;
  const below = [
    s.items,
    ...Object.values((s.properties ?? {}) as Schema),
    ...Object.values((s.patternProperties ?? {}) as Schema),
    ...((s.anyOf ?? []) as unknown[]),
  ];
  const result = s['x-secret'] === true || s['x-no-echo'] === true || below.some(mayHoldSecret);
  holdsSecrets.set(schema, result);
  return result;
}

/** What a value is, for a message: its type only where a secret may sit, never its text. */
function describe(v: unknown, schema?: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (mayHoldSecret(schema)) return typeof v === 'string' ? 'a string (not shown: it may be a secret)' : `a ${typeof v} (not shown: it may be a secret)`;
  if (typeof v === 'string') return `the string '${v}'`;
  return `${typeof v} ${String(v)}`;
}

function child(path: string, key: string): string {
  return `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/** Advice for keys a schema does not have but people write by habit, keyed by the key. */
export type KeyHints = Readonly<Record<string, string>>;

function toFinding(e: ErrorObject, keyHints: KeyHints): Finding | undefined {
  const ps = (e.parentSchema ?? {}) as Schema;
  const schemaHint = ps['x-hint'] as string | undefined;
  const what = describe(e.data, ps);
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      const path = child(e.instancePath, key);
      const props = Object.keys((ps.properties as Schema | undefined) ?? {});
      if (!props.length && ps.patternProperties) {
        const pattern = Object.keys(ps.patternProperties as Schema)[0];
        return { path, code: 'E_SCHEMA_NAME', message: `'${key}' is not a valid name here`, hint: `names must match ${pattern}` };
      }
      const hint = (Object.hasOwn(keyHints, key) ? keyHints[key] : undefined) ?? didYouMean(key, props, `allowed keys here: ${props.join(', ')}`);
      return { path, code: 'E_SCHEMA_UNKNOWN_KEY', message: `unknown key '${key}'`, ...(hint ? { hint } : {}) };
    }
    case 'required': {
      const key = String(e.params.missingProperty);
      return {
        path: child(e.instancePath, key),
        code: 'E_SCHEMA_REQUIRED',
        message: `missing required key '${key}'`,
        hint: `add ${key}: ${String((((ps.properties as Schema)?.[key] as Schema | undefined)?.description as string | undefined) ?? '')}`.trim(),
      };
    }
    case 'type':
      return {
        path: e.instancePath,
        code: 'E_SCHEMA_TYPE',
        message: `expected ${String(e.params.type).replace(',', ' or ')}, got ${what}`,
        ...(schemaHint ? { hint: schemaHint } : {}),
      };
    case 'enum': {
      const allowed = (e.params.allowedValues as unknown[]).map(String);
      return {
        path: e.instancePath,
        code: 'E_SCHEMA_ENUM',
        message: `${what} is not one of the allowed values`,
        hint: didYouMean(String(e.data), allowed, `use one of: ${allowed.join(', ')}`)!,
      };
    }
    case 'const':
      return {
        path: e.instancePath,
        code: 'E_SCHEMA_CONST',
        message: `must be ${JSON.stringify(e.params.allowedValue)}, got ${what}`,
        hint: 'this is the only supported value',
      };
    case 'pattern':
      if (e.params.pattern === SINGLE_LINE_PATTERN)
        return { path: e.instancePath, code: 'E_CONTROL_CHAR', message: 'holds a line break or another control character', hint: SINGLE_LINE_HINT };
      return {
        path: e.instancePath,
        code: 'E_SCHEMA_PATTERN',
        message: `${what} does not have the expected form`,
        hint: schemaHint ?? `it must match ${String(e.params.pattern)}`,
      };
    case 'format':
      return {
        path: e.instancePath,
        code: 'E_SCHEMA_FORMAT',
        message: `${what} is not a valid ${FORMAT_NAMES[String(e.params.format)] ?? String(e.params.format)}`,
        ...(schemaHint ? { hint: schemaHint } : {}),
      };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return {
        path: e.instancePath,
        code: 'E_SCHEMA_RANGE',
        message: `${mayHoldSecret(ps) ? 'the value' : String(e.data)} is out of range`,
        hint: `it must be ${String(e.params.comparison)} ${String(e.params.limit)}`,
      };
    case 'minItems':
      return { path: e.instancePath, code: 'E_SCHEMA_ITEMS', message: `needs at least ${String(e.params.limit)} entr${e.params.limit === 1 ? 'y' : 'ies'}` };
    case 'maxItems':
      return { path: e.instancePath, code: 'E_SCHEMA_ITEMS', message: `allows at most ${String(e.params.limit)} entries` };
    case 'uniqueItems':
      return {
        path: e.instancePath,
        code: 'E_SCHEMA_DUPLICATE',
        message: `entries ${String(e.params.j)} and ${String(e.params.i)} are the same`,
        hint: 'remove the duplicate',
      };
    case 'minLength':
      return {
        path: e.instancePath,
        code: 'E_SCHEMA_EMPTY',
        message: e.params.limit === 1 ? 'must not be empty' : `must be at least ${String(e.params.limit)} characters`,
        ...(schemaHint && e.params.limit !== 1 ? { hint: schemaHint } : {}),
      };
    case 'maxLength':
      return {
        path: e.instancePath,
        code: 'E_SCHEMA_LENGTH',
        message: `is longer than ${String(e.params.limit)} characters`,
        ...(schemaHint && ps['x-secret'] === true ? { hint: schemaHint } : {}),
      };
    case 'anyOf':
      return { path: e.instancePath, code: 'E_SCHEMA_TYPE', message: `${what} has the wrong type`, hint: String(ps.description ?? '') };
    default:
      return { path: e.instancePath, code: 'E_SCHEMA', message: e.message ?? 'is invalid' };
  }
}

/** Shape errors as findings with key paths. Branch errors inside a failed anyOf are folded into it. */
export function checkShape(data: unknown, schema: TSchema, keyHints: KeyHints = {}): Finding[] {
  const errors = schemaErrors(data, schema);
  // Schema paths (not instance paths) of failed anyOf: few and distinct, however many list entries failed.
  const anyOfPaths = [...new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.schemaPath.replace(/\/anyOf$/, '/anyOf/')))];
  const kept = errors.filter((e) => !anyOfPaths.some((p) => e.schemaPath.startsWith(p)));
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const e of kept) {
    const f = toFinding(e, keyHints);
    if (!f) continue;
    const key = `${f.path}\0${f.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push(f);
  }
  return findings;
}

import type { ErrorObject } from 'ajv';
import type { TSchema } from '@sinclair/typebox';
import { didYouMean } from './suggest.js';
import type { Finding } from './issue.js';
import { schemaErrors } from './ajv.js';

/** Hints for keys people write by habit from other installers. */
const KEY_HINTS: Record<string, string> = {
  password: 'plain passwords are not accepted: put a yescrypt or SHA-512 hash in passwordHash (make one with `mkpasswd -m yescrypt`)',
  root_password: 'root is locked on DebVisor: set users.admin with a passwordHash and sshKeys',
  rootPassword: 'root is locked on DebVisor: set users.admin with a passwordHash and sshKeys',
};

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  if (typeof v === 'string') return `the string '${v}'`;
  return `${typeof v} ${String(v)}`;
}

function child(path: string, key: string): string {
  return `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

type Schema = Record<string, unknown>;

function toFinding(e: ErrorObject): Finding | undefined {
  const ps = (e.parentSchema ?? {}) as Schema;
  const schemaHint = ps['x-hint'] as string | undefined;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      const path = child(e.instancePath, key);
      const props = Object.keys((ps.properties as Schema | undefined) ?? {});
      if (!props.length && ps.patternProperties) {
        const pattern = Object.keys(ps.patternProperties as Schema)[0];
        return { path, code: 'E_SCHEMA_NAME', message: `'${key}' is not a valid name here`, hint: `names must match ${pattern}` };
      }
      const hint = (Object.hasOwn(KEY_HINTS, key) ? KEY_HINTS[key] : undefined) ?? didYouMean(key, props, `allowed keys here: ${props.join(', ')}`);
      return { path, code: 'E_SCHEMA_UNKNOWN_KEY', message: `unknown key '${key}'`, ...(hint ? { hint } : {}) };
    }
    case 'required': {
      const key = String(e.params.missingProperty);
      return { path: child(e.instancePath, key), code: 'E_SCHEMA_REQUIRED', message: `missing required key '${key}'`, hint: `add ${key}: ${String((((ps.properties as Schema)?.[key] as Schema | undefined)?.description as string | undefined) ?? '')}`.trim() };
    }
    case 'type':
      return { path: e.instancePath, code: 'E_SCHEMA_TYPE', message: `expected ${String(e.params.type).replace(',', ' or ')}, got ${describe(e.data)}`, ...(schemaHint ? { hint: schemaHint } : {}) };
    case 'enum': {
      const allowed = (e.params.allowedValues as unknown[]).map(String);
      return { path: e.instancePath, code: 'E_SCHEMA_ENUM', message: `${describe(e.data)} is not one of the allowed values`, hint: didYouMean(String(e.data), allowed, `use one of: ${allowed.join(', ')}`)! };
    }
    case 'const':
      return { path: e.instancePath, code: 'E_SCHEMA_CONST', message: `must be ${JSON.stringify(e.params.allowedValue)}, got ${describe(e.data)}`, hint: 'this is the only supported value' };
    case 'pattern':
      return { path: e.instancePath, code: 'E_SCHEMA_PATTERN', message: `${describe(e.data)} does not have the expected form`, hint: schemaHint ?? `it must match ${String(e.params.pattern)}` };
    case 'format':
      return { path: e.instancePath, code: 'E_SCHEMA_FORMAT', message: `${describe(e.data)} is not a valid ${String(e.params.format)}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path: e.instancePath, code: 'E_SCHEMA_RANGE', message: `${String(e.data)} is out of range`, hint: `it must be ${String(e.params.comparison)} ${String(e.params.limit)}` };
    case 'minItems':
      return { path: e.instancePath, code: 'E_SCHEMA_ITEMS', message: `needs at least ${String(e.params.limit)} entr${e.params.limit === 1 ? 'y' : 'ies'}` };
    case 'maxItems':
      return { path: e.instancePath, code: 'E_SCHEMA_ITEMS', message: `allows at most ${String(e.params.limit)} entries` };
    case 'uniqueItems':
      return { path: e.instancePath, code: 'E_SCHEMA_DUPLICATE', message: `entries ${String(e.params.j)} and ${String(e.params.i)} are the same`, hint: 'remove the duplicate' };
    case 'minLength':
      return { path: e.instancePath, code: 'E_SCHEMA_EMPTY', message: e.params.limit === 1 ? 'must not be empty' : `must be at least ${String(e.params.limit)} characters` };
    case 'maxLength':
      return { path: e.instancePath, code: 'E_SCHEMA_LENGTH', message: `is longer than ${String(e.params.limit)} characters` };
    case 'anyOf':
      return { path: e.instancePath, code: 'E_SCHEMA_TYPE', message: `${describe(e.data)} has the wrong type`, hint: String(ps.description ?? '') };
    default:
      return { path: e.instancePath, code: 'E_SCHEMA', message: e.message ?? 'is invalid' };
  }
}

/** Shape errors as findings with key paths. Branch errors inside a failed anyOf are folded into it. */
export function checkShape(data: unknown, schema?: TSchema): Finding[] {
  const errors = schemaErrors(data, schema);
  // Schema paths (not instance paths) of failed anyOf: few and distinct, however many list entries failed.
  const anyOfPaths = [...new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.schemaPath.replace(/\/anyOf$/, '/anyOf/')))];
  const kept = errors.filter((e) => !anyOfPaths.some((p) => e.schemaPath.startsWith(p)));
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const e of kept) {
    const f = toFinding(e);
    if (!f) continue;
    const key = `${f.path}\0${f.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push(f);
  }
  return findings;
}

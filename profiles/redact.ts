import type { TSchema } from '@sinclair/typebox';
import { ProfileSchema } from './schema/profile.js';
import { redactUrlCredentials } from '../core/text.js';

export const REDACTED = '<redacted>';

type Node = Record<string, unknown>;

/** Walks value and schema together; replaces every value whose schema says `x-secret`, and the credentials of every URL. */
function redactWith(value: unknown, schema: Node | undefined): unknown {
  if (typeof value === 'string' && schema?.['x-secret'] !== true) return redactUrlCredentials(value);
  if (!schema) return value;
  if (schema['x-secret'] === true && value !== undefined) return REDACTED;
  if (Array.isArray(value)) {
    const items = schema.items as Node | undefined;
    return value.map((v) => redactWith(v, items));
  }
  if (value && typeof value === 'object') {
    const props = (schema.properties ?? {}) as Record<string, Node>;
    const pattern = schema.patternProperties as Record<string, Node> | undefined;
    const extra = pattern ? Object.values(pattern)[0] : typeof schema.additionalProperties === 'object' ? (schema.additionalProperties as Node) : undefined;
    const out: Node = {};
    for (const [k, v] of Object.entries(value as Node)) out[k] = redactWith(v, props[k] ?? extra);
    return out;
  }
  return value;
}

/** A copy with secrets (password hashes, TSIG secrets, tokens, EAB keys) and URL credentials replaced by a marker. */
export function redactSecrets<T>(profile: T, schema: TSchema = ProfileSchema): T {
  return redactWith(profile, schema as unknown as Node) as T;
}

/** JSON pointers of every secret in the schema, for docs and tests. */
export function secretPaths(schema: Node = ProfileSchema as unknown as Node, base = ''): string[] {
  if (schema['x-secret'] === true) return [base];
  const out: string[] = [];
  for (const [k, v] of Object.entries((schema.properties ?? {}) as Record<string, Node>)) out.push(...secretPaths(v, `${base}/${k}`));
  if (schema.items) out.push(...secretPaths(schema.items as Node, `${base}/*`));
  return out;
}

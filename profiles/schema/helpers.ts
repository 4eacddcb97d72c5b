import { Type, type TProperties, type TSchema, type ObjectOptions, type SchemaOptions } from '@sinclair/typebox';

/**
 * Schema helpers: every object is closed (`additionalProperties: false`) and every property
 * carries a description, which the generated reference in docs/profiles.md prints.
 * `x-secret` marks values that `profile show` and saved profiles redact; `x-hint` is
 * the advice printed when a value fails its pattern.
 */
export function obj<T extends TProperties>(description: string, properties: T, opts: ObjectOptions = {}) {
  const schema = Type.Object(properties, { additionalProperties: false, description, ...opts });
  // A key with a default may be left out of a profile: only keys without one stay required.
  // The static type keeps them required, because it describes the profile after defaults.
  const loose = schema as { required?: string[] };
  const required = (loose.required ?? []).filter((k) => (properties[k] as { default?: unknown }).default === undefined);
  if (required.length) loose.required = required;
  else delete loose.required;
  return schema;
}

export interface Extra extends SchemaOptions {
  'x-secret'?: boolean;
  'x-hint'?: string;
}

export function str(description: string, opts: Extra & { pattern?: string; minLength?: number; maxLength?: number; format?: string } = {}) {
  return Type.String({ description, ...opts });
}

export function secret(description: string, opts: Extra & { pattern?: string; minLength?: number } = {}) {
  return Type.String({ description, 'x-secret': true, minLength: 1, ...opts });
}

export function bool(description: string, def: boolean) {
  return Type.Boolean({ description, default: def });
}

export function int(description: string, opts: Extra & { minimum?: number; maximum?: number } = {}) {
  return Type.Integer({ description, ...opts });
}

export function oneOfStrings<const T extends readonly string[]>(description: string, values: T, def?: T[number]) {
  return Type.Unsafe<T[number]>({
    type: 'string',
    enum: [...values],
    description,
    ...(def === undefined ? {} : { default: def }),
  });
}

export function list<T extends TSchema>(description: string, item: T, opts: { default?: unknown[]; minItems?: number; maxItems?: number; uniqueItems?: boolean } = {}) {
  return Type.Array(item, { description, ...opts });
}

/** Sizes such as `512M`, `32G`, `2T` (binary units). */
export const SIZE_PATTERN = '^[0-9]+(\\.[0-9]+)?[KMGT]$';
export function size(description: string, def?: string) {
  return Type.String({
    description,
    pattern: SIZE_PATTERN,
    'x-hint': 'a size is a number and a binary unit, for example 512M, 32G or 2T',
    ...(def === undefined ? {} : { default: def }),
  });
}

/** Durations such as `30s`, `10m`, `1h`, `7d`. */
export const DURATION_PATTERN = '^[0-9]+[smhdw]$';
export function duration(description: string, def: string) {
  return Type.String({
    description,
    pattern: DURATION_PATTERN,
    default: def,
    'x-hint': 'a duration is a number and a unit: s, m, h, d or w (for example 10m or 1h)',
  });
}

export { Type };

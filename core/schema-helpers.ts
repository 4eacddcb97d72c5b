import type { TProperties, TSchema, ObjectOptions, SchemaOptions } from '@sinclair/typebox';
import { Type } from './schema-type.js';

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
  /** Never repeat the value in a message (a secret is easily pasted here), though it is no secret itself. */
  'x-no-echo'?: boolean;
  'x-hint'?: string;
}

/**
 * One line of text: no C0 or C1 control characters (line breaks, tabs, escapes), no Unicode line
 * or paragraph separators. Every string of the profile is at least this; a string with its own
 * `pattern` must be anchored (`^...$`) and admit no control character either (a test checks).
 */
export const SINGLE_LINE_PATTERN = '^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029]*$';
export const SINGLE_LINE_HINT = 'one line of text: no line breaks, tabs or other control characters';

type StrOpts = Extra & { pattern?: string; minLength?: number; maxLength?: number; format?: string; default?: string };

/** The single-line string type, without a description: for list items, union members and map keys. */
export function line(opts: StrOpts = {}) {
  return Type.String({ pattern: SINGLE_LINE_PATTERN, ...opts });
}

/** A single-line string property (see SINGLE_LINE_PATTERN); `pattern` narrows it further. */
export function str(description: string, opts: StrOpts = {}) {
  return line({ description, ...opts });
}

/** A secret (`x-secret`): redacted when printed, never described in a message. */
export function secret(description: string, opts: Extra & { pattern?: string; minLength?: number; maxLength?: number } = {}) {
  return line({ description, 'x-secret': true, minLength: 1, ...opts });
}

/** Longest URL accepted (browsers and proxies stop near 2 KiB). */
export const MAX_URL_LENGTH = 2048;

/**
 * An https URL as the WHATWG URL parser reads it, with a host and without user or password
 * (credentials belong in the secret next to it, not in a URL that is printed and logged).
 * The raw text must hold no whitespace or control character: the parser would silently drop them.
 */
export function isHttpsUrl(s: string): boolean {
  return isWebUrl(s, ['https:']);
}

/** The same, with plain http allowed too (package mirrors: apt checks signatures, not transport). */
export function isWebUrl(s: string, protocols: readonly string[] = ['http:', 'https:']): boolean {
  if (s.length > MAX_URL_LENGTH || /[\s\u0000-\u001f\u007f-\u009f]/.test(s) || !URL.canParse(s)) return false;
  const u = new URL(s);
  return protocols.includes(u.protocol) && u.hostname !== '' && u.username === '' && u.password === '';
}

/** Formats the schemas use beyond ajv-formats; core/ajv.ts registers them. */
export const FORMATS: Record<string, (s: string) => boolean> = { 'https-url': isHttpsUrl, 'web-url': (s) => isWebUrl(s) };

export function httpsUrl(description: string, hint: string) {
  return Type.String({ description, format: 'https-url', maxLength: MAX_URL_LENGTH, 'x-hint': hint });
}

/**
 * A shell-style glob matched against device properties (serials, models, by-id names, NIC names,
 * MACs, drivers): letters, digits, space and `_ . : + @ , ! - * ? [ ]`, not starting with `-` or
 * a space (so it can never read as an option of a tool it is passed to), at most 128 characters.
 */
export const GLOB_PATTERN = '^[A-Za-z0-9_.:+@,!*?\\[\\]][A-Za-z0-9 _.:+@,!*?\\[\\]-]{0,127}$';
export const GLOB_HINT = 'a glob of letters, digits, space and _ . : + @ , ! - * ? [ ], not starting with - or a space, at most 128 characters';

export function glob(description: string) {
  return line({ description, pattern: GLOB_PATTERN, 'x-hint': GLOB_HINT });
}

/**
 * One kernel command-line argument: `word` or `key=value` of letters, digits and `_ . , : = / + @ % ~ -`,
 * not starting with `-` (a lone `--` would hand the rest of the line to init). No quotes or spaces.
 */
export const KERNEL_ARG_PATTERN = '^[A-Za-z0-9_][A-Za-z0-9_.,:=/+@%~-]{0,255}$';
export const KERNEL_ARG_HINT = 'one argument such as iommu=pt or console=ttyS0,115200n8: letters, digits and _ . , : = / + @ % ~ -, no spaces or quotes';

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

export function list<T extends TSchema>(
  description: string,
  item: T,
  opts: { default?: unknown[]; minItems?: number; maxItems?: number; uniqueItems?: boolean } = {},
) {
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

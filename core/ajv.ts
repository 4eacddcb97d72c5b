import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
import { FORMATS } from './schema-helpers.js';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
type AddFormats = (ajv: Ajv, formats: string[]) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as unknown as AddFormats;

/** Our own annotation keywords (see schema-helpers.ts); declared so ajv's strict mode accepts them. */
export const ANNOTATIONS = ['x-secret', 'x-hint', 'x-no-echo'];

export function makeAjv(opts: { useDefaults: boolean }): Ajv {
  // No code optimisation: it makes compiling a schema as large as the profile's about 7 times
  // slower (400 ms against 55), more than it ever saves on one file (issue 10, point 9).
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, useDefaults: opts.useDefaults, allowUnionTypes: true, code: { optimize: false } });
  ajv.addVocabulary(ANNOTATIONS);
  addFormats(ajv, ['email', 'uri', 'hostname', 'ipv4', 'ipv6']);
  for (const [name, check] of Object.entries(FORMATS)) ajv.addFormat(name, check);
  return ajv;
}

const checkers = new WeakMap<object, ValidateFunction>();
const defaulters = new WeakMap<object, ValidateFunction>();

function compiled(cache: WeakMap<object, ValidateFunction>, schema: TSchema, useDefaults: boolean): ValidateFunction {
  let fn = cache.get(schema);
  if (!fn) {
    fn = makeAjv({ useDefaults }).compile(schema);
    cache.set(schema, fn);
  }
  return fn;
}

/** Validates without changing the data; returns ajv's errors. */
export function schemaErrors(data: unknown, schema: TSchema): ErrorObject[] {
  const check = compiled(checkers, schema, false);
  return check(data) ? [] : [...(check.errors ?? [])];
}

/** Fills every default in place (on a copy the caller owns). */
export function fillDefaults<T>(data: T, schema: TSchema): T {
  compiled(defaulters, schema, true)(data);
  return data;
}

import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { ProfileSchema } from './schema/profile.js';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
type AddFormats = (ajv: Ajv, formats: string[]) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as unknown as AddFormats;

/** Our own annotation keywords (see schema/helpers.ts); declared so ajv's strict mode accepts them. */
export const ANNOTATIONS = ['x-secret', 'x-hint'];

export function makeAjv(opts: { useDefaults: boolean }): Ajv {
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, useDefaults: opts.useDefaults, allowUnionTypes: true });
  ajv.addVocabulary(ANNOTATIONS);
  addFormats(ajv, ['email', 'uri', 'hostname', 'ipv4', 'ipv6']);
  return ajv;
}

let checker: ValidateFunction | undefined;
let defaulter: ValidateFunction | undefined;

/** Validates without changing the data; returns ajv's errors. */
export function schemaErrors(data: unknown): ErrorObject[] {
  checker ??= makeAjv({ useDefaults: false }).compile(ProfileSchema);
  return checker(data) ? [] : [...(checker.errors ?? [])];
}

/** Fills every default in place (on a copy the caller owns). */
export function fillDefaults<T>(data: T): T {
  defaulter ??= makeAjv({ useDefaults: true }).compile(ProfileSchema);
  defaulter(data);
  return data;
}

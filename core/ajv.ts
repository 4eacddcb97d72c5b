import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import type { TSchema } from '@sinclair/typebox';
import { FORMATS } from './schema-helpers.js';

// ajv and ajv-formats are CommonJS; they are required only where a schema is compiled.
const require = createRequire(import.meta.url);

/** Our own annotation keywords (see schema-helpers.ts); declared so ajv's strict mode accepts them. */
export const ANNOTATIONS = ['x-secret', 'x-hint', 'x-no-echo'];
const AJV_FORMATS = ['email', 'uri', 'hostname', 'ipv4', 'ipv6'];
const OPTIONS = { allErrors: true, verbose: true, strict: true, allowUnionTypes: true } as const;

export function makeAjv(opts: { useDefaults: boolean; standalone?: boolean }): Ajv {
  const { Ajv: AjvClass, _ } = require('ajv') as typeof import('ajv');
  // A precompiled validator reads its formats from the `formats` its loader passes in.
  // At run time, no code optimisation: it makes compiling a schema as large as the profile's
  // about 7 times slower (400 ms against 55), more than it ever saves on one file (issue 10, point 9).
  const code = opts.standalone ? { source: true, formats: _`formats` } : { optimize: false };
  const ajv = new AjvClass({ ...OPTIONS, useDefaults: opts.useDefaults, code });
  ajv.addVocabulary(ANNOTATIONS);
  const { fullFormats } = require('ajv-formats/dist/formats.js') as typeof import('ajv-formats/dist/formats.js');
  for (const name of AJV_FORMATS) ajv.addFormat(name, fullFormats[name as keyof typeof fullFormats]);
  for (const [name, check] of Object.entries(FORMATS)) ajv.addFormat(name, check);
  return ajv;
}

/**
 * Compiled tools (the .deb, `npm run build`) carry the validators precompiled by ajv beside the
 * modules, one file per schema and mode, named by a hash of both: a validator is used only for
 * exactly the schema it was made from, so it cannot drift. Anything else is compiled here.
 */
export const PRECOMPILED_FOLDER = 'ajv-validators';
export const PRECOMPILED_DIR = new URL(`../${PRECOMPILED_FOLDER}/`, import.meta.url);

export function precompiledName(schema: TSchema, useDefaults: boolean): string {
  const h = createHash('sha256').update(JSON.stringify({ OPTIONS, AJV_FORMATS, useDefaults, schema })).digest('hex');
  return `${h.slice(0, 32)}.cjs`;
}

/** The source of a precompiled validator, as `loadPrecompiled` reads it. */
export function precompiledSource(schema: TSchema, useDefaults: boolean): string {
  const ajv = makeAjv({ useDefaults, standalone: true });
  const { default: standaloneCode } = require('ajv/dist/standalone/index.js') as typeof import('ajv/dist/standalone/index.js');
  return standaloneCode(ajv, ajv.compile(schema));
}

/** Writes the validators (checking and filling defaults) of these schemas: the build's step. */
export function writePrecompiled(schemas: readonly TSchema[], dir: URL = PRECOMPILED_DIR): string[] {
  mkdirSync(dir, { recursive: true });
  const names: string[] = [];
  for (const schema of schemas) {
    for (const useDefaults of [false, true]) {
      const name = precompiledName(schema, useDefaults);
      writeFileSync(new URL(name, dir), precompiledSource(schema, useDefaults));
      names.push(name);
    }
  }
  return names;
}

export function loadPrecompiled(schema: TSchema, useDefaults: boolean, dir: URL = PRECOMPILED_DIR): ValidateFunction | undefined {
  let source: string;
  try {
    source = readFileSync(new URL(precompiledName(schema, useDefaults), dir), 'utf8');
  } catch {
    return undefined;
  }
  const { fullFormats } = require('ajv-formats/dist/formats.js') as typeof import('ajv-formats/dist/formats.js');
  const module = { exports: {} as unknown };
  // The way ajv itself turns its generated code into a function; the file is part of the tool.
  new Function('require', 'module', 'exports', 'formats', source)(require, module, module.exports, { ...fullFormats, ...FORMATS });
  return module.exports as ValidateFunction;
}

const checkers = new WeakMap<object, ValidateFunction>();
const defaulters = new WeakMap<object, ValidateFunction>();

function compiled(cache: WeakMap<object, ValidateFunction>, schema: TSchema, useDefaults: boolean): ValidateFunction {
  let fn = cache.get(schema);
  if (!fn) {
    fn = loadPrecompiled(schema, useDefaults) ?? makeAjv({ useDefaults }).compile(schema);
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

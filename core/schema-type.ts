import type { Type as TypeBox } from '@sinclair/typebox';

/**
 * The part of TypeBox's `Type` builder the schemas use, built here: TypeBox's loader is some 200
 * modules, a third of the time a command takes to start (issue 10, point 9), while these
 * builders are a few lines each. TypeBox stays the schemas' type system (`Static`, `TSchema`:
 * types only); what these return is what TypeBox returns, key order and symbols included, which
 * `schema-type.test.ts` checks against TypeBox itself. A schema that needs another builder adds
 * it here, with its case in that test.
 */
type Builders = Pick<
  typeof TypeBox,
  'Array' | 'Boolean' | 'Integer' | 'Literal' | 'Object' | 'Optional' | 'Partial' | 'Record' | 'String' | 'Union' | 'Unsafe'
>;

type Schema = Record<string | symbol, unknown>;

// TypeBox's own symbols (global ones), so its guards see these schemas as its own.
const Kind = Symbol.for('TypeBox.Kind');
const OptionalKind = Symbol.for('TypeBox.Optional');
const TransformKind = Symbol.for('TypeBox.Transform');
/** TypeBox's key pattern for a string key without a pattern of its own. */
const PATTERN_STRING_EXACT = '^(.*)$';

/** TypeBox's CreateType (instance mode "default"): the options first, the type's own keys over them. */
const create = (schema: Schema, options?: object): Schema => (options !== undefined ? { ...options, ...schema } : schema);

function object(properties: Record<string, Schema>, options?: object): Schema {
  const required = Object.keys(properties).filter((k) => properties[k]![OptionalKind] !== 'Optional');
  return create(required.length > 0 ? { [Kind]: 'Object', type: 'object', required, properties } : { [Kind]: 'Object', type: 'object', properties }, options);
}

function unsupported(builder: string, what: string): never {
  throw new Error(`core/schema-type.ts: ${builder} of ${what} is not built here; add it (and its test) or use TypeBox`);
}

const builders = {
  Array: (items: Schema, options?: object) => create({ [Kind]: 'Array', type: 'array', items }, options),
  Boolean: (options?: object) => create({ [Kind]: 'Boolean', type: 'boolean' }, options),
  Integer: (options?: object) => create({ [Kind]: 'Integer', type: 'integer' }, options),
  Literal: (value: string | number | boolean, options?: object) => create({ [Kind]: 'Literal', const: value, type: typeof value }, options),
  Object: object,
  Optional: (schema: Schema, enable?: boolean) => {
    if (enable === false) unsupported('Optional', 'false');
    return create({ ...schema, [OptionalKind]: 'Optional' });
  },
  Partial: (type: Schema, options?: object) => {
    if (type[Kind] !== 'Object') unsupported('Partial', String(type[Kind]));
    const { [TransformKind]: _t, $id: _i, required: _r, properties, ...rest } = type;
    const optional = Object.fromEntries(Object.entries(properties as Record<string, Schema>).map(([k, v]) => [k, builders.Optional(v)]));
    return create({ ...object(optional, rest), ...options });
  },
  Record: (key: Schema, value: Schema, options: object = {}) => {
    if (key[Kind] !== 'String') unsupported('Record', `${String(key[Kind])} keys`);
    const pattern = (key.pattern as string | undefined) ?? PATTERN_STRING_EXACT;
    return create({ [Kind]: 'Record', type: 'object', patternProperties: { [pattern]: value } }, options);
  },
  String: (options?: object) => create({ [Kind]: 'String', type: 'string' }, options),
  Union: (types: Schema[], options?: object) => {
    if (types.length === 0) unsupported('Union', 'no types');
    return types.length === 1 ? create(types[0]!, options) : create({ [Kind]: 'Union', anyOf: types }, options);
  },
  Unsafe: (options: Schema = {}) => create({ [Kind]: options[Kind] ?? 'Unsafe' }, options),
};

// The builders' runtime is above; their types (and so every schema's static type) are TypeBox's.
export const Type = builders as unknown as Builders;

import { describe, it, expect } from 'vitest';
import { Type as TypeBox } from '@sinclair/typebox';
import { Type } from './schema-type.js';

/** Every own key, symbols too, in order, all the way down: what a schema is, exactly. */
function layout(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(layout);
  if (!v || typeof v !== 'object') return v;
  return Reflect.ownKeys(v).map((k) => [String(k), layout((v as Record<string | symbol, unknown>)[k])]);
}

describe("core/schema-type builds exactly what TypeBox's Type builds", () => {
  // Each case builds the same schema with both; `T` is either builder.
  const cases: Record<string, (T: typeof TypeBox) => unknown> = {
    String: (T) => [T.String(), T.String({ description: 'a', pattern: '^x$', maxLength: 3 })],
    Integer: (T) => [T.Integer(), T.Integer({ minimum: 1, default: 2 })],
    Boolean: (T) => [T.Boolean(), T.Boolean({ description: 'b', default: true })],
    Literal: (T) => [T.Literal('a'), T.Literal(2, { description: 'two' }), T.Literal(true)],
    Array: (T) => [T.Array(T.String()), T.Array(T.Integer(), { description: 'l', minItems: 1, uniqueItems: true, default: [] })],
    Union: (T) => [T.Union([T.Literal('a')], { description: 'one' }), T.Union([T.Literal('a'), T.Literal('b')], { default: 'a' })],
    Optional: (T) => [T.Optional(T.String({ description: 's' }))],
    Object: (T) => [
      T.Object({}),
      T.Object({ a: T.String(), b: T.Optional(T.Integer()) }, { additionalProperties: false, description: 'o' }),
      T.Object({ a: T.Optional(T.String()) }),
    ],
    Record: (T) => [T.Record(T.String({ pattern: '^[a-z]+$' }), T.Integer(), { description: 'r', maxProperties: 3 }), T.Record(T.String(), T.Boolean())],
    Partial: (T) => [
      T.Partial(T.Object({ a: T.String(), b: T.Optional(T.Integer()) }, { additionalProperties: false, description: 'p', $id: 'x' })),
      T.Partial(T.Object({ a: T.String() }), { description: 'over' }),
    ],
    Unsafe: (T) => [T.Unsafe<'A' | 'B'>({ type: 'string', enum: ['A', 'B'], description: 'u' }), T.Unsafe()],
  };
  for (const [name, build] of Object.entries(cases)) {
    it(name, () => {
      const ours = build(Type as unknown as typeof TypeBox);
      const theirs = build(TypeBox);
      expect(layout(ours)).toEqual(layout(theirs));
    });
  }
  it('refuses what it does not build, instead of building something else', () => {
    expect(() => Type.Record(Type.Integer() as never, Type.String())).toThrow(/not built here/);
    expect(() => Type.Union([])).toThrow(/not built here/);
  });
});

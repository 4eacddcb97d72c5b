type Node = Record<string, unknown>;

/** Re-orders map keys as the schema lists them, so printed profiles read like the reference. */
export function schemaOrder<T>(value: T, schema: Node): T {
  if (Array.isArray(value)) return value.map((v) => schemaOrder(v, (schema.items ?? {}) as Node)) as T;
  if (!value || typeof value !== 'object') return value;
  const props = (schema.properties ?? {}) as Record<string, Node>;
  const pattern = schema.patternProperties as Record<string, Node> | undefined;
  const extra = pattern ? Object.values(pattern)[0] : undefined;
  const src = value as Node;
  const keys = [...Object.keys(props).filter((k) => k in src), ...Object.keys(src).filter((k) => !(k in props))];
  const out: Node = {};
  for (const k of keys) out[k] = schemaOrder(src[k], props[k] ?? extra ?? {});
  return out as T;
}

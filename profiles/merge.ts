export type PlainObject = Record<string, unknown>;

export function isPlainObject(v: unknown): v is PlainObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Deep merge for `extends`, as in JSON merge patch (RFC 7396): maps merge key by key; lists and
 * scalars of the child replace the parent's; a child's `null` removes the inherited key.
 */
export function mergeProfiles(parent: PlainObject, child: PlainObject): PlainObject {
  const out: PlainObject = structuredClone(parent);
  for (const [key, value] of Object.entries(child)) {
    if (value === null) {
      delete out[key];
      continue;
    }
    const base = out[key];
    out[key] = isPlainObject(base) && isPlainObject(value) ? mergeProfiles(base, value) : structuredClone(value);
  }
  return out;
}

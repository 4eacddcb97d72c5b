import { FORBIDDEN_KEYS } from '../core/yaml-source.js';

export type PlainObject = Record<string, unknown>;

export function isPlainObject(v: unknown): v is PlainObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Deep merge for `extends`, as in JSON merge patch (RFC 7396): maps merge key by key; lists and
 * scalars of the child replace the parent's; a child's `null` removes the inherited key.
 * Keys that reach a prototype (`__proto__`, `constructor`, `prototype`) are never merged (the
 * loader already refuses them); keys are defined as own properties, never assigned.
 */
export function mergeProfiles(parent: PlainObject, child: PlainObject): PlainObject {
  const out: PlainObject = structuredClone(parent);
  for (const [key, value] of Object.entries(child)) {
    if (FORBIDDEN_KEYS.has(key)) continue;
    if (value === null) {
      delete out[key];
      continue;
    }
    const base = Object.hasOwn(out, key) ? out[key] : undefined;
    const merged = isPlainObject(base) && isPlainObject(value) ? mergeProfiles(base, value) : structuredClone(value);
    Object.defineProperty(out, key, { value: merged, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

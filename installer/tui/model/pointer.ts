import { isPlainObject, type PlainObject } from '../../../profiles/merge.js';

/** The keys of a JSON pointer (`/network/ipv4/address`), as the profile's findings name them. */
function keys(path: string): string[] {
  return path
    .split('/')
    .slice(1)
    .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The value at `path`, or undefined when a key on the way is missing. */
export function getAt(data: unknown, path: string): unknown {
  let at: unknown = data;
  for (const k of keys(path)) {
    if (!isPlainObject(at) || !Object.hasOwn(at, k)) return undefined;
    at = at[k];
  }
  return at;
}

/** Whether the data defines `path` (the operator, or a preloaded profile, said something there). */
export function hasAt(data: unknown, path: string): boolean {
  return getAt(data, path) !== undefined;
}

/** Sets `path`, making the maps on the way. */
export function setAt(data: PlainObject, path: string, value: unknown): void {
  const ks = keys(path);
  let at = data;
  for (const k of ks.slice(0, -1)) {
    if (!isPlainObject(at[k])) Object.defineProperty(at, k, { value: {}, enumerable: true, writable: true, configurable: true });
    at = at[k] as PlainObject;
  }
  Object.defineProperty(at, ks[ks.length - 1]!, { value, enumerable: true, writable: true, configurable: true });
}

/** Removes `path`, and maps left empty on the way (so an unused section does not appear in an export). */
export function deleteAt(data: PlainObject, path: string): void {
  const ks = keys(path);
  const trail: PlainObject[] = [data];
  for (const k of ks.slice(0, -1)) {
    const next = trail[trail.length - 1]![k];
    if (!isPlainObject(next)) return;
    trail.push(next);
  }
  delete trail[trail.length - 1]![ks[ks.length - 1]!];
  for (let i = trail.length - 1; i > 0; i--) {
    if (Object.keys(trail[i]!).length > 0) break;
    delete trail[i - 1]![ks[i - 1]!];
  }
}

// Sweep axes name config keys either as dotted paths (`training.optimizer.lr`) or as JSON pointers
// (`/training/optimizer/lr`, for keys that contain dots); both become one pointer so they compare equal.

import { fromPointer, toPointer } from '../config/jsonText';

/** The RFC 6901 pointer of a dotted path or pointer; `null` when the key names nothing. */
export function keyToPointer(key: string): string | null {
  if (key.startsWith('/')) return key.length > 1 ? key : null;
  const parts = key.split('.');
  if (parts.some((p) => p === '')) return null;
  return toPointer(parts);
}

type Json = unknown;

/**
 * Sets `value` at `pointer` in a copy-free way on `root` (a parsed config object), creating the objects on the
 * way. A segment that walks into a non-object (a number, a string) is an error the caller reports at the axis.
 */
export function setAtPointer(root: Record<string, Json>, pointer: string, value: Json): string | null {
  const segments = fromPointer(pointer);
  let node: Json = root;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    const last = i === segments.length - 1;
    if (Array.isArray(node)) {
      const index = /^\d+$/.test(segment) ? Number(segment) : NaN;
      if (!Number.isInteger(index) || index > node.length) {
        return `${toPointer(segments.slice(0, i))} is an array of ${node.length}: expected an index 0-${node.length - 1}, found "${segment}"`;
      }
      if (last) node[index] = value;
      else {
        if (node[index] === undefined || node[index] === null) node[index] = {};
        node = node[index];
      }
      continue;
    }
    if (node === null || typeof node !== 'object') {
      return `${toPointer(segments.slice(0, i))} is ${JSON.stringify(node)}, not an object: cannot set "${segment}" inside it`;
    }
    const obj = node as Record<string, Json>;
    if (last) obj[segment] = value;
    else {
      if (obj[segment] === undefined || obj[segment] === null) obj[segment] = {};
      node = obj[segment];
    }
  }
  return null;
}

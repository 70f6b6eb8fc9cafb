// Sorting by one or more columns (click a header; shift-click adds a secondary key). Empty cells go last
// in either direction, so "best first" never starts with runs that have no figure yet.

import type { Scalar, TableRow } from './types';

export interface SortKey {
  column: string;
  descending: boolean;
}

export function compareScalars(a: Scalar, b: Scalar): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return String(a).localeCompare(String(b), 'en', { numeric: true });
}

/** A sorted copy; ties keep their order (Array.prototype.sort is stable). */
export function sortRows(rows: readonly TableRow[], keys: readonly SortKey[]): TableRow[] {
  if (keys.length === 0) return [...rows];
  return [...rows].sort((ra, rb) => {
    for (const key of keys) {
      const a = ra.cells[key.column]?.value ?? null;
      const b = rb.cells[key.column]?.value ?? null;
      if (a === null || b === null) {
        if (a !== b) return a === null ? 1 : -1;
        continue;
      }
      const order = compareScalars(a, b);
      if (order !== 0) return key.descending ? -order : order;
    }
    return 0;
  });
}

/**
 * The sort after a header click: a plain click sorts by that column alone (again: flips the direction);
 * `add` (shift-click) appends it as the next key, or flips it where it already is one.
 */
export function clickSort(keys: readonly SortKey[], column: string, add: boolean): SortKey[] {
  const at = keys.findIndex((k) => k.column === column);
  if (add) {
    if (at < 0) return [...keys, { column, descending: false }];
    return keys.map((k, i) => (i === at ? { column, descending: !k.descending } : k));
  }
  if (at >= 0 && keys.length === 1) return [{ column, descending: !keys[0].descending }];
  return [{ column, descending: false }];
}

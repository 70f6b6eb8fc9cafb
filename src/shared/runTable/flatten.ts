// Nested config → dotted keys, the way DVC and W&B tables show params: objects are walked, arrays and
// everything else end in one cell (an array as its JSON text, so `[0.6,0.4]` stays one readable value).

import type { Scalar } from './types';

export function flattenConfig(
  value: unknown,
  prefix = '',
  out: Record<string, Scalar> = {},
): Record<string, Scalar> {
  if (isPlainObject(value)) {
    for (const [key, inner] of Object.entries(value))
      flattenConfig(inner, prefix === '' ? key : `${prefix}.${key}`, out);
    return out;
  }
  if (prefix === '') return out;
  out[prefix] = toScalar(value);
  return out;
}

export function toScalar(value: unknown): Scalar {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

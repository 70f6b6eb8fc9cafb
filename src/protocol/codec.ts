// A small codec combinator: each message is declared once as a codec, its TypeScript type is inferred
// from it, so the validator and the type cannot drift apart. Decoding returns the value rebuilt from the
// declared fields only (unknown keys are dropped), or the JSON pointer of the first wrong value and what
// was expected there, e.g. `/record/val/fused: expected a number`.

export class DecodeError extends Error {
  constructor(
    readonly pointer: string,
    readonly expected: string,
  ) {
    super(`${pointer === '' ? 'the value' : pointer}: expected ${expected}`);
    this.name = 'DecodeError';
  }
}

export interface Codec<T> {
  /** Throws a DecodeError naming `at` (a JSON pointer) when `value` is not a T. */
  decode(value: unknown, at: string): T;
}

export type Infer<C> = C extends Codec<infer T> ? T : never;

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: DecodeError };

export function decode<T>(codec: Codec<T>, value: unknown): Decoded<T> {
  try {
    return { ok: true, value: codec.decode(value, '') };
  } catch (error) {
    if (error instanceof DecodeError) return { ok: false, error };
    throw error;
  }
}

function codec<T>(decodeAt: (value: unknown, at: string) => T): Codec<T> {
  return { decode: decodeAt };
}

function fail(at: string, expected: string): never {
  throw new DecodeError(at, expected);
}

export const string: Codec<string> = codec((v, at) => (typeof v === 'string' ? v : fail(at, 'a string')));

export const boolean: Codec<boolean> = codec((v, at) =>
  typeof v === 'boolean' ? v : fail(at, 'true or false'),
);

/** A finite number. */
export const number: Codec<number> = codec((v, at) =>
  typeof v === 'number' && Number.isFinite(v) ? v : fail(at, 'a number'),
);

/** A whole number in [min, max]. */
export function integer(min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER): Codec<number> {
  const expected =
    min === Number.MIN_SAFE_INTEGER
      ? 'a whole number'
      : `a whole number ≥ ${min}${max < Number.MAX_SAFE_INTEGER ? ` and ≤ ${max}` : ''}`;
  return codec((v, at) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : fail(at, expected),
  );
}

export function literal<const L extends readonly (string | number | boolean)[]>(
  ...values: L
): Codec<L[number]> {
  const expected =
    values.length === 1
      ? JSON.stringify(values[0])
      : `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`;
  return codec((v, at) => (values.includes(v as L[number]) ? (v as L[number]) : fail(at, expected)));
}

/** A value `first` decodes, else one `second` decodes (tried in that order). */
export function either<A, B>(first: Codec<A>, second: Codec<B>): Codec<A | B> {
  return codec((v, at) => {
    try {
      return first.decode(v, at);
    } catch (a) {
      if (!(a instanceof DecodeError)) throw a;
      try {
        return second.decode(v, at);
      } catch (b) {
        if (!(b instanceof DecodeError)) throw b;
        return fail(at, `${a.expected} or ${b.expected}`);
      }
    }
  });
}

export function nullable<T>(inner: Codec<T>): Codec<T | null> {
  return codec((v, at) => (v === null ? null : inner.decode(v, at)));
}

export function array<T>(item: Codec<T>, maxLength = Number.MAX_SAFE_INTEGER): Codec<T[]> {
  return codec((v, at) => {
    if (!Array.isArray(v)) return fail(at, 'an array');
    if (v.length > maxLength) return fail(at, `at most ${maxLength} items`);
    return v.map((x, i) => item.decode(x, `${at}/${i}`));
  });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An object used as a map: any keys, every value a T. */
export function record<T>(value: Codec<T>): Codec<Record<string, T>> {
  return codec((v, at) => {
    if (!isPlainObject(v)) return fail(at, 'an object');
    const out: Record<string, T> = {};
    for (const [key, x] of Object.entries(v)) out[key] = value.decode(x, `${at}/${escapePointer(key)}`);
    return out;
  });
}

const OPTIONAL = Symbol('optional');

export interface OptionalCodec<T> extends Codec<T | undefined> {
  readonly [OPTIONAL]: true;
}

/** A field that may be absent (or undefined); present, it must be a T. */
export function optional<T>(inner: Codec<T>): OptionalCodec<T> {
  return { [OPTIONAL]: true, decode: (v, at) => (v === undefined ? undefined : inner.decode(v, at)) };
}

type Shape = Record<string, Codec<unknown>>;
type OptionalKeys<S extends Shape> = {
  [K in keyof S]: S[K] extends OptionalCodec<unknown> ? K : never;
}[keyof S];
type Flatten<T> = { [K in keyof T]: T[K] };
export type ObjectOf<S extends Shape> = Flatten<
  { [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & {
    [K in OptionalKeys<S>]?: Exclude<Infer<S[K]>, undefined>;
  }
>;

export interface ObjectCodec<S extends Shape> extends Codec<ObjectOf<S>> {
  readonly shape: S;
}

/** An object with these fields; other keys are dropped, absent optional ones stay absent. */
export function object<S extends Shape>(shape: S): ObjectCodec<S> {
  return {
    shape,
    decode(v, at) {
      if (!isPlainObject(v)) return fail(at, 'an object');
      const out: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(shape)) {
        const value = field.decode(v[key], `${at}/${escapePointer(key)}`);
        if (value !== undefined) out[key] = value;
      }
      return out as ObjectOf<S>;
    },
  };
}

/**
 * A union told apart by its `type` field: each member is an object codec whose `type` is one literal. An
 * unknown `type` is an error, so a member the union lacks cannot be decoded into something else.
 */
export function tagged<const M extends Record<string, ObjectCodec<Shape>>>(
  members: M,
): Codec<{ [K in keyof M]: Flatten<{ type: K } & Infer<M[K]>> }[keyof M]> {
  const names = Object.keys(members);
  return codec((v, at) => {
    if (!isPlainObject(v)) return fail(at, 'an object');
    const member = typeof v.type === 'string' && Object.hasOwn(members, v.type) ? members[v.type] : undefined;
    if (!member) return fail(`${at}/type`, `one of ${names.map((n) => JSON.stringify(n)).join(', ')}`);
    return { type: v.type, ...member.decode(v, at) } as never;
  });
}

/** `inner`, and then a check it passes (`expected` says what the check wants). */
export function refine<T>(inner: Codec<T>, check: (value: T) => boolean, expected: string): Codec<T> {
  return codec((v, at) => {
    const value = inner.decode(v, at);
    return check(value) ? value : fail(at, expected);
  });
}

/** RFC 6901: `~` and `/` in a key. */
function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Type-level check that two types are the same (a codec written for an existing interface). */
export type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

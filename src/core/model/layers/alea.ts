// Baagøe's Alea generator exactly as seedrandom 3 implements it, which is what `tf.randomUniform(..., seed)`
// draws from. Owning a copy lets dropout build its mask in one JS loop (compare and scale included) instead of
// four kernels, with bit-for-bit the same masks as before.

/** Seedrandom's `Mash`: hashes strings into the generator's three starting states. */
function makeMash(): (data: string) => number {
  let n = 0xefc8249d;
  return (data: string) => {
    for (let i = 0; i < data.length; i++) {
      n += data.charCodeAt(i);
      let h = 0.02519603282416938 * n;
      n = h >>> 0;
      h -= n;
      h *= n;
      n = h >>> 0;
      h -= n;
      n += h * 0x100000000;
    }
    return (n >>> 0) * 2.3283064365386963e-10;
  };
}

/** The generator's state after seeding: three fractions in [0, 1) and the carry. */
export interface AleaState {
  s0: number;
  s1: number;
  s2: number;
  c: number;
}

/** The state `seedrandom.alea(String(seed))` starts from. */
export function aleaSeed(seed: number | string): AleaState {
  const mash = makeMash();
  const key = String(seed);
  let s0 = mash(' ');
  let s1 = mash(' ');
  let s2 = mash(' ');
  s0 -= mash(key);
  if (s0 < 0) s0 += 1;
  s1 -= mash(key);
  if (s1 < 0) s1 += 1;
  s2 -= mash(key);
  if (s2 < 0) s2 += 1;
  return { s0, s1, s2, c: 1 };
}

/** A uniform [0, 1) stream, the same as `seedrandom.alea(String(seed))`. */
export function aleaStream(seed: number | string): () => number {
  let { s0, s1, s2, c } = aleaSeed(seed);
  return () => {
    const t = 2091639 * s0 + c * 2.3283064365386963e-10;
    s0 = s1;
    s1 = s2;
    c = t | 0;
    s2 = t - c;
    return s2;
  };
}

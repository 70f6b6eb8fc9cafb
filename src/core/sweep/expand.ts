// Grid × random draws × seeds → trial points. Random draws come from the sweep's own seeded generator, one
// stream per sample, so the same sweep file always expands to the same trials in the same order.

import { createHash } from 'node:crypto';
import { Rng } from '../util/random';
import type { Axis, SweepSpec } from './types';

export interface TrialPoint {
  /** Axis key as written → value, in the sweep file's axis order. */
  axes: Record<string, unknown>;
  /** For each axis (same order as spec.axes): the index of the grid value used, or the random sample. */
  choice: number[];
  seed: number;
  trialId: string;
  /** Same for every seed of one combination. */
  comboId: string;
}

/** Four significant digits: readable in tables and folder listings, and still exact on re-expansion. */
function round(value: number): number {
  return Number(value.toPrecision(4));
}

export function drawRandom(axis: Axis, rng: Rng): number {
  const d = axis.distribution!;
  let value: number;
  if (d.logUniform) {
    const [lo, hi] = d.logUniform.map(Math.log);
    value = Math.exp(lo + (hi - lo) * rng.float());
  } else {
    const [lo, hi] = d.uniform!;
    value = lo + (hi - lo) * rng.float();
  }
  return d.integer ? Math.round(value) : round(value);
}

/** sha-256 of the axis values (by pointer, so dotted and pointer spellings agree) and the seed. */
export function trialIdOf(axes: { pointer: string; value: unknown }[], seed: number | null): string {
  const canonical = [...axes]
    .sort((a, b) => (a.pointer < b.pointer ? -1 : a.pointer > b.pointer ? 1 : 0))
    .map((a) => [a.pointer, a.value]);
  const text = JSON.stringify(seed === null ? { axes: canonical } : { axes: canonical, seed });
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

export function expandTrials(spec: SweepSpec, baseSeeds: number[]): TrialPoint[] {
  const grid = spec.axes.filter((a) => a.kind === 'grid');
  const random = spec.axes.filter((a) => a.kind === 'random');
  const seeds = spec.seeds ?? baseSeeds;
  const out: TrialPoint[] = [];
  const gridCount = grid.reduce((n, a) => n * a.values!.length, 1);
  for (let g = 0; g < gridCount; g++) {
    // Mixed-radix digits of g, first axis slowest, as nested loops in the file's order would give.
    const gridChoice: number[] = [];
    let rest = g;
    for (let i = grid.length - 1; i >= 0; i--) {
      const n = grid[i].values!.length;
      gridChoice[i] = rest % n;
      rest = Math.floor(rest / n);
    }
    for (let s = 0; s < spec.samples; s++) {
      const rng = Rng.fromSeed(spec.randomSeed, `sweep sample ${s}`);
      const drawn = new Map(random.map((a) => [a, drawRandom(a, rng)]));
      const values = spec.axes.map((a) =>
        a.kind === 'grid' ? a.values![gridChoice[grid.indexOf(a)]] : drawn.get(a),
      );
      const choice = spec.axes.map((a) => (a.kind === 'grid' ? gridChoice[grid.indexOf(a)] : s));
      const keyed = spec.axes.map((a, i) => ({ pointer: a.pointer, value: values[i] }));
      const axes = Object.fromEntries(spec.axes.map((a, i) => [a.key, values[i]]));
      const comboId = trialIdOf(keyed, null);
      for (const seed of seeds) out.push({ axes, choice, seed, trialId: trialIdOf(keyed, seed), comboId });
    }
  }
  return out;
}

// Min/max per bucket for aligned series (one x for all, as uPlot draws them): each bucket of consecutive
// points becomes two points, at the bucket's first and last x, holding each series' minimum and maximum in
// the order they occurred. Peaks and dips survive at any zoom (unlike averaging), the line still passes
// through every extreme, and the output size depends only on the bucket count, not the run's length.

export interface Downsampled {
  x: number[];
  columns: (number | null)[][];
}

/**
 * Points [start, end) of `x` and each column, reduced to at most `2 * buckets` points. NaN is a missing
 * value (null out). Fewer points than that are returned as they are.
 */
export function minMaxBuckets(
  x: ArrayLike<number>,
  columns: ArrayLike<number>[],
  start: number,
  end: number,
  buckets: number,
): Downsampled {
  const n = Math.max(0, end - start);
  if (n <= 2 * buckets) {
    const xs: number[] = [];
    for (let i = start; i < end; i++) xs.push(x[i]);
    return { x: xs, columns: columns.map((c) => copyRange(c, start, end)) };
  }
  const outX: number[] = [];
  const out: (number | null)[][] = columns.map(() => []);
  const size = n / buckets;
  for (let b = 0; b < buckets; b++) {
    const i0 = start + Math.floor(b * size);
    const i1 = b === buckets - 1 ? end : start + Math.floor((b + 1) * size);
    if (i1 <= i0) continue;
    const single = i1 - i0 === 1;
    outX.push(x[i0]);
    if (!single) outX.push(x[i1 - 1]);
    for (let c = 0; c < columns.length; c++) {
      const col = columns[c];
      let lo = -1;
      let hi = -1;
      for (let i = i0; i < i1; i++) {
        const v = col[i];
        if (Number.isNaN(v)) continue;
        if (lo < 0 || v < col[lo]) lo = i;
        if (hi < 0 || v > col[hi]) hi = i;
      }
      if (single) {
        out[c].push(lo < 0 ? null : col[lo]);
      } else if (lo < 0) {
        out[c].push(null, null);
      } else {
        const first = Math.min(lo, hi);
        const second = Math.max(lo, hi);
        out[c].push(col[first], col[second]);
      }
    }
  }
  return { x: outX, columns: out };
}

function copyRange(column: ArrayLike<number>, start: number, end: number): (number | null)[] {
  const out: (number | null)[] = [];
  for (let i = start; i < end; i++) out.push(Number.isNaN(column[i]) ? null : column[i]);
  return out;
}

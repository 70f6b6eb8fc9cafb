// Scaled closeness for kernel tests: the largest absolute difference, against the reference's largest
// magnitude, which must itself be clear of zero (a test against an all-zero reference proves nothing).
import assert from 'node:assert/strict';

export function assertScaledClose(
  label: string,
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  tolerance: number,
  minScale = 0.1,
): void {
  assert.equal(got.length, want.length, `${label}: length`);
  let scale = 0;
  let diff = 0;
  for (let k = 0; k < want.length; k++) {
    scale = Math.max(scale, Math.abs(want[k]));
    diff = Math.max(diff, Math.abs(got[k] - want[k]));
  }
  assert.ok(scale > minScale, `${label}: reference too small (${scale})`);
  assert.ok(diff <= tolerance * scale, `${label}: max difference ${diff} against scale ${scale}`);
}

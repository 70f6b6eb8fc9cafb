import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyScaler, fitScaler, type Scaler } from '../../src/core/data/preprocess';

// 5 samples × 3 features. Column 2 is constant over the train rows; row 4 is never a train row.
const features = Float32Array.from([1, 10, 7, 2, 20, 7, 3, 30, 7, 4, 40, 7, 100, -100, 100]);
const rows = Int32Array.from([0, 1, 2, 3]);

function close(actual: ArrayLike<number>, expected: number[], tol = 1e-6) {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `[${i}] ${actual[i]} vs ${expected[i]}`);
  }
}

describe('fitScaler', () => {
  it('standardize: mean and population std (ddof 0) over the train rows; constant columns get scale 1', () => {
    const s = fitScaler(features, 3, rows, null, 'standardize');
    assert.equal(s.mode, 'standardize');
    close(s.shift, [2.5, 25, 7]);
    close(s.scale, [Math.sqrt(1.25), Math.sqrt(125), 1]);
  });

  it('uses only rows where the modality is present', () => {
    const present = Uint8Array.from([1, 1, 0, 0, 1]);
    const s = fitScaler(features, 3, rows, present, 'standardize');
    close(s.shift, [1.5, 15, 7]);
    close(s.scale, [0.5, 5, 1]);
  });

  it('minmax: shift = min, scale = range; a constant column maps to 0', () => {
    const s = fitScaler(features, 3, rows, null, 'minmax');
    close(s.shift, [1, 10, 7]);
    close(s.scale, [3, 30, 1]);
    const out = applyScaler(features, 3, s, null);
    close(out.subarray(0, 12), [0, 0, 0, 1 / 3, 1 / 3, 0, 2 / 3, 2 / 3, 0, 1, 1, 0]);
  });

  it('none (and no usable rows) is the identity', () => {
    for (const s of [
      fitScaler(features, 3, rows, null, 'none'),
      fitScaler(features, 3, new Int32Array(0), null, 'standardize'),
      fitScaler(features, 3, rows, new Uint8Array(5), 'minmax'),
    ]) {
      assert.deepEqual(s.shift, [0, 0, 0]);
      assert.deepEqual(s.scale, [1, 1, 1]);
      assert.deepEqual(Array.from(applyScaler(features, 3, s, null)), Array.from(features));
    }
  });

  it('survives a JSON round trip', () => {
    const s = fitScaler(features, 3, rows, null, 'standardize');
    const back = JSON.parse(JSON.stringify(s)) as Scaler;
    assert.deepEqual(back, s);
    assert.deepEqual(
      Array.from(applyScaler(features, 3, back, null)),
      Array.from(applyScaler(features, 3, s, null)),
    );
  });

  it('treats grid samples element by element', () => {
    // 2 samples of a [2, 2] grid, flattened to 4 elements each.
    const grid = Float32Array.from([0, 1, 2, 3, 2, 3, 4, 5]);
    const s = fitScaler(grid, 4, Int32Array.from([0, 1]), null, 'standardize');
    close(s.shift, [1, 2, 3, 4]);
    close(s.scale, [1, 1, 1, 1]);
  });
});

describe('applyScaler', () => {
  it('returns a new scaled array with absent rows zero-filled', () => {
    const s = fitScaler(features, 3, rows, null, 'standardize');
    const present = Uint8Array.from([1, 1, 1, 0, 1]);
    const out = applyScaler(features, 3, s, present);
    assert.notEqual(out, features);
    assert.equal(features[9], 4); // input untouched
    const sd0 = Math.sqrt(1.25);
    const sd1 = Math.sqrt(125);
    close(
      out,
      [
        -1.5 / sd0,
        -15 / sd1,
        0,
        -0.5 / sd0,
        -5 / sd1,
        0,
        0.5 / sd0,
        5 / sd1,
        0,
        0,
        0,
        0,
        97.5 / sd0,
        -125 / sd1,
        93,
      ],
      1e-5,
    );
    // Train rows end up with mean 0 and std 1 per column.
    const train = applyScaler(features, 3, s, null).subarray(0, 12);
    const col0 = [train[0], train[3], train[6], train[9]];
    close([col0.reduce((a, b) => a + b) / 4, col0.reduce((a, b) => a + b * b, 0) / 4], [0, 1], 1e-6);
  });

  it('rejects a scaler of the wrong size', () => {
    const s = fitScaler(features, 3, rows, null, 'standardize');
    assert.throws(() => applyScaler(new Float32Array(8), 4, s, null), {
      name: 'DataError',
      message: 'scaler has 3 shifts and 3 scales, expected 4 (one per element of a sample)',
    });
  });
});

// PadV2 and Slice on wasm, copying whole runs, against the cpu backend's kernels: NHWC spatial pads and their
// gradient's slices (the conv encoders' case), pads and slices on every axis, int32, sizes of -1, boxes whose
// runs are short enough for the stock kernels, and the pad's gradient through autodiff.
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { copyBox, runsOf } from '../../src/core/backend/kernels/pad-slice';
import { selectBackend } from '../../src/core/backend/select';

before(async () => {
  await selectBackend('wasm');
  tf.env().set('IS_TEST', true);
});

const counting = (shape: number[], dtype: 'float32' | 'int32' = 'float32') =>
  tf.tensor(
    Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, k) => k + 1),
    shape,
    dtype,
  );

async function bothBackends(f: () => tf.Tensor): Promise<[number[], number[], number[]]> {
  const run = () =>
    tf.tidy(() => {
      const t = f();
      return { values: Array.from(t.dataSync() as Float32Array), shape: t.shape };
    });
  const before = tf.memory().numTensors;
  const wasm = run();
  assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
  await tf.setBackend('cpu');
  const cpu = run();
  await tf.setBackend('wasm');
  assert.deepEqual(wasm.shape, cpu.shape);
  return [wasm.values, cpu.values, wasm.shape];
}

describe('PadV2 and Slice on wasm', () => {
  const pads: [number[], [number, number][], number][] = [
    [
      [2, 5, 6, 8],
      [
        [0, 0],
        [1, 1],
        [1, 1],
        [0, 0],
      ],
      0,
    ],
    [
      [2, 5, 6, 3],
      [
        [0, 0],
        [1, 2],
        [0, 3],
        [0, 0],
      ],
      0,
    ],
    [
      [3, 4, 9],
      [
        [1, 0],
        [2, 1],
        [3, 4],
      ],
      -2.5,
    ],
    [
      [4, 16],
      [
        [0, 0],
        [0, 0],
      ],
      0,
    ],
    [
      [2, 6, 6, 1],
      [
        [0, 0],
        [1, 1],
        [1, 1],
        [0, 0],
      ],
      0,
    ],
  ];
  for (const [shape, paddings, value] of pads) {
    test(`pad [${shape.join(', ')}] by ${JSON.stringify(paddings)} with ${value}`, async () => {
      const [got, want] = await bothBackends(() => tf.pad(counting(shape), paddings, value));
      assert.deepEqual(got, want);
    });
  }

  test('pad of int32', async () => {
    const [got, want] = await bothBackends(() =>
      tf.pad(
        counting([3, 10], 'int32'),
        [
          [1, 1],
          [2, 0],
        ],
        7,
      ),
    );
    assert.deepEqual(got, want);
  });

  const slices: [number[], number[], number[]][] = [
    [
      [2, 7, 6, 8],
      [0, 1, 1, 0],
      [2, 5, 4, 8],
    ],
    [
      [2, 7, 6, 8],
      [1, 0, 2, 3],
      [1, -1, 3, 4],
    ],
    [
      [5, 12],
      [1, 2],
      [3, 9],
    ],
    [[40], [3], [30]],
    [
      [3, 4, 5],
      [0, 0, 0],
      [3, 4, 5],
    ],
    [
      [2, 8, 8, 1],
      [0, 1, 1, 0],
      [2, 6, 6, 1],
    ],
  ];
  for (const [shape, begin, size] of slices) {
    test(`slice [${shape.join(', ')}] at [${begin.join(', ')}] size [${size.join(', ')}]`, async () => {
      const [got, want] = await bothBackends(() => tf.slice(counting(shape), begin, size));
      assert.deepEqual(got, want);
    });
  }

  test('slice of int32', async () => {
    const [got, want] = await bothBackends(() => tf.slice(counting([6, 20], 'int32'), [2, 4], [3, 12]));
    assert.deepEqual(got, want);
  });

  test("the pad's gradient (a slice) equals the cpu backend's", async () => {
    const [got, want] = await bothBackends(() =>
      tf.grad((x: tf.Tensor) =>
        tf.sum(
          tf.mul(
            tf.pad(x, [
              [0, 0],
              [1, 1],
              [1, 1],
              [0, 0],
            ]),
            counting([2, 7, 8, 16]),
          ),
        ),
      )(counting([2, 5, 6, 16])),
    );
    assert.deepEqual(got, want);
  });

  test('runs merge the trailing axes the box spans in both arrays', () => {
    // NHWC pad gradient: W and C spanned in the slice's output but not in the padded input → runs of C.
    assert.deepEqual(
      runsOf({
        srcShape: [64, 18, 18, 32],
        srcAt: [0, 1, 1, 0],
        dstShape: [64, 16, 16, 32],
        dstAt: [0, 0, 0, 0],
        size: [64, 16, 16, 32],
      }),
      { axis: 2, run: 512 },
    );
    assert.deepEqual(
      runsOf({
        srcShape: [4, 3, 5],
        srcAt: [1, 0, 0],
        dstShape: [2, 3, 5],
        dstAt: [0, 0, 0],
        size: [2, 3, 5],
      }),
      { axis: 0, run: 30 },
    );
  });

  test('copyBox matches an element-by-element copy', () => {
    const srcShape = [3, 4, 5, 6];
    const dstShape = [4, 6, 5, 7];
    const size = [2, 3, 5, 4];
    const srcAt = [1, 1, 0, 2];
    const dstAt = [2, 0, 0, 3];
    const srcLen = srcShape.reduce((a, b) => a * b, 1);
    const heap = new Float32Array(srcLen + dstShape.reduce((a, b) => a * b, 1));
    for (let k = 0; k < srcLen; k++) heap[k] = k + 1;
    copyBox(heap, 0, srcLen, { srcShape, srcAt, dstShape, dstAt, size });
    const flat = (shape: number[], i: number[]) => i.reduce((acc, v, k) => acc * shape[k] + v, 0);
    let checked = 0;
    for (let a = 0; a < dstShape[0]; a++)
      for (let b = 0; b < dstShape[1]; b++)
        for (let c = 0; c < dstShape[2]; c++)
          for (let d = 0; d < dstShape[3]; d++) {
            const inside = [a, b, c, d].every((v, k) => v >= dstAt[k] && v < dstAt[k] + size[k]);
            const want = inside
              ? flat(
                  srcShape,
                  [a, b, c, d].map((v, k) => v - dstAt[k] + srcAt[k]),
                ) + 1
              : 0;
            assert.equal(heap[srcLen + flat(dstShape, [a, b, c, d])], want, `at ${[a, b, c, d].join(',')}`);
            checked++;
          }
    assert.equal(checked, 840);
  });
});

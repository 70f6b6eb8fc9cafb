// The wasm Sum and Mean kernels (src/core/backend/kernels/sum.ts): against the cpu backend on odd shapes of rank
// 1-4 for every contiguous axis set with and without keepDims, bit for bit against the documented summation
// order, and the stock kernel's result for the cases they hand back to it.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { stockWasmKernel } from '../../src/core/backend/kernels/register';
import { assembleSimdReduceModule, simdReduce } from '../../src/core/backend/kernels/simd-reduce';
import { planReduction } from '../../src/core/backend/kernels/sum';
import { selectBackend } from '../../src/core/backend/select';

const REL_TOL = 1e-5;

/** A small seeded generator (mulberry32), so the shapes and values are the same at every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function valuesFor(shape: number[], seed: number): Float32Array {
  const next = random(seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => next() * 2 - 1);
}

/** Every run of consecutive axes of a rank-`rank` tensor. */
function contiguousAxisSets(rank: number): number[][] {
  const sets: number[][] = [];
  for (let first = 0; first < rank; first++) {
    for (let last = first; last < rank; last++)
      sets.push(Array.from({ length: last - first + 1 }, (_, i) => first + i));
  }
  return sets;
}

/** Odd sizes (vector bodies with and without tails, rows shorter than a vector), then random ones. */
function shapes(): number[][] {
  const fixed = [
    [1],
    [3],
    [37],
    [5, 7],
    [1, 9],
    [33, 5],
    [3, 37],
    [4, 16],
    [3, 5, 7],
    [2, 13, 9],
    [3, 2, 5, 7],
  ];
  const next = random(7);
  const drawn = Array.from({ length: 12 }, (_, k) =>
    Array.from({ length: (k % 4) + 1 }, () => 1 + Math.floor(next() * 19)),
  );
  return [...fixed, ...drawn];
}

async function onBackend(
  name: 'wasm' | 'cpu',
  f: () => tf.Tensor,
): Promise<{ data: Float32Array; shape: number[] }> {
  await tf.setBackend(name);
  const out = tf.tidy(f);
  const data = out.dataSync() as Float32Array;
  const shape = out.shape;
  out.dispose();
  await tf.setBackend('wasm');
  return { data, shape };
}

/** |wasm - cpu| ≤ REL_TOL · Σ|x| over each output's reduced elements (the sum's own rounding scale). */
async function compareWithCpu(
  label: string,
  op: (x: tf.Tensor) => tf.Tensor,
  shape: number[],
  values: Float32Array,
): Promise<void> {
  const got = await onBackend('wasm', () => op(tf.tensor(values, shape)));
  const want = await onBackend('cpu', () => op(tf.tensor(values, shape)));
  const scale = await onBackend('cpu', () => op(tf.abs(tf.tensor(values, shape))));
  assert.deepEqual(got.shape, want.shape, `${label}: shape`);
  for (let i = 0; i < want.data.length; i++) {
    const diff = Math.abs(got.data[i] - want.data[i]);
    assert.ok(diff <= REL_TOL * scale.data[i], `${label}[${i}]: ${got.data[i]} against ${want.data[i]}`);
  }
}

/** The documented order (simd-reduce.ts), in float32 step by step. */
function referenceSum(values: Float32Array, blocks: number, rows: number, cols: number): Float32Array {
  const f = Math.fround;
  const out = new Float32Array(blocks * cols);
  if (cols === 1) {
    for (let b = 0; b < blocks; b++) {
      const base = b * rows;
      const lanes = [0, 0, 0, 0];
      const vectorEnd = rows - (rows % 4);
      for (let i = 0; i < vectorEnd; i++) lanes[i % 4] = f(lanes[i % 4] + values[base + i]);
      let s = f(f(lanes[0] + lanes[1]) + f(lanes[2] + lanes[3]));
      for (let i = vectorEnd; i < rows; i++) s = f(s + values[base + i]);
      out[b] = s;
    }
    return out;
  }
  for (let b = 0; b < blocks; b++) {
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < cols; j++)
        out[b * cols + j] = f(out[b * cols + j] + values[(b * rows + r) * cols + j]);
    }
  }
  return out;
}

before(async () => {
  await selectBackend('wasm');
  tf.env().set('IS_TEST', true);
});

test('the reduction module assembles into valid WebAssembly and runs on the wasm heap', () => {
  const api = (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly;
  assert.ok(api.validate(assembleSimdReduceModule()));
  assert.ok(simdReduce(tf.backend() as BackendWasm), 'the SIMD path is the one under test here');
});

describe('Sum and Mean on wasm against the cpu backend', () => {
  let seed = 0;
  for (const shape of shapes()) {
    for (const axes of contiguousAxisSets(shape.length)) {
      for (const keepDims of [false, true]) {
        const s = ++seed;
        const label = `[${shape.join(',')}] axis ${axes.join(',')}${keepDims ? ' keepDims' : ''}`;
        test(label, async () => {
          const values = valuesFor(shape, s);
          // A negative axis for the innermost run: the kernel must read it as the stock kernels do.
          const axis = axes.length === 1 && axes[0] === shape.length - 1 ? -1 : axes;
          await compareWithCpu(`sum ${label}`, (x) => tf.sum(x, axis, keepDims), shape, values);
          await compareWithCpu(`mean ${label}`, (x) => tf.mean(x, axis, keepDims), shape, values);
        });
      }
    }
  }
  test('the whole tensor (no axis given)', async () => {
    await compareWithCpu('sum all', (x) => tf.sum(x), [3, 5, 7], valuesFor([3, 5, 7], 99));
    await compareWithCpu('mean all', (x) => tf.mean(x), [3, 5, 7], valuesFor([3, 5, 7], 98));
  });
});

describe('the summation order is fixed', () => {
  const cases: [number[], number[]][] = [
    [[6, 37], [1]],
    [[9, 3], [1]],
    [[8, 16], [1]],
    [[3, 5, 2], [2]],
    [[37, 11], [0]],
    [[3, 9, 13], [1]],
    [
      [4, 5, 8],
      [0, 1],
    ],
    [[1024, 64], [0]],
  ];
  for (const [shape, axes] of cases) {
    test(`[${shape.join(',')}] axis ${axes.join(',')}: bit for bit the documented order, at every call`, () => {
      const values = valuesFor(shape, shape.length * 31 + axes[0]);
      const plan = planReduction(shape, axes, false)!;
      const want = referenceSum(values, plan.blocks, plan.rows, plan.cols);
      for (let call = 0; call < 2; call++) {
        const got = tf.tidy(() => tf.sum(tf.tensor(values, shape), axes).dataSync());
        assert.deepEqual(Array.from(got), Array.from(want), `call ${call}`);
      }
    });
  }
});

describe('cases handed to the stock kernels', () => {
  const stockResult = (kernelName: string, x: tf.Tensor, attrs: tf.NamedAttrMap) => {
    const backend = tf.backend() as BackendWasm;
    const info = stockWasmKernel(kernelName)!.kernelFunc({ inputs: { x }, backend, attrs }) as tf.TensorInfo;
    const out = tf.engine().makeTensorFromTensorInfo(info);
    const result = { data: Array.from(out.dataSync()), shape: out.shape, dtype: out.dtype };
    out.dispose();
    return result;
  };
  const ints = () => tf.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 3, 2], 'int32');
  const floats = (seed: number) => () => tf.tensor(valuesFor([3, 4, 5], seed), [3, 4, 5]);
  const cases: [string, string, () => tf.Tensor, tf.NamedAttrMap][] = [
    ['int32 Sum', tf.Sum, ints, { axis: [1] }],
    ['Sum over axes that are not contiguous', tf.Sum, floats(5), { axis: [0, 2] }],
    ['Sum over no axis', tf.Sum, floats(6), { axis: [] }],
    ['Sum of an empty tensor', tf.Sum, () => tf.zeros([0, 3]), { axis: [0] }],
    ['Mean over axes that are not contiguous', tf.Mean, floats(7), { axis: [0, 2], keepDims: true }],
    ['int32 Mean', tf.Mean, ints, { axis: [1] }],
  ];
  for (const [label, kernelName, make, attrs] of cases) {
    test(`${label}: the stock result`, () => {
      const x = make();
      const full = { keepDims: false, ...attrs };
      const buffersBefore = tf.engine().backend.numDataIds();
      const got = tf.tidy(() => {
        const out = tf.engine().runKernel(kernelName, { x }, full) as tf.Tensor;
        return { data: Array.from(out.dataSync()), shape: out.shape, dtype: out.dtype };
      });
      assert.equal(tf.engine().backend.numDataIds(), buffersBefore, 'no buffer left behind');
      assert.deepEqual(got, stockResult(kernelName, x, full));
      x.dispose();
    });
  }
  test('the claimed cases are exactly the contiguous axis runs of a non-scalar', () => {
    assert.deepEqual(planReduction([2, 3, 5, 7], [1, 2], false), {
      blocks: 2,
      rows: 15,
      cols: 7,
      outShape: [2, 7],
    });
    assert.deepEqual(planReduction([2, 3, 5], [-1], true), {
      blocks: 6,
      rows: 5,
      cols: 1,
      outShape: [2, 3, 1],
    });
    assert.equal(planReduction([2, 3, 5], [0, 2], false), null);
    assert.equal(planReduction([2, 3, 5], [], false), null);
    assert.equal(planReduction([], [0], false), null);
  });
});

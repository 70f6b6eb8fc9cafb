// HGM's projector update on the wasm heap (kernels/hgm-update.ts) against its JS loop (projector-step-loop.ts):
// the same float32 bits, since both compute every float64 value in the same order.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { tensorHost } from '../../src/core/backend/host';
import { hgmUpdateKernel } from '../../src/core/backend/kernels/hgm-update';
import { projectorStepLoop } from '../../src/core/backend/projector-step-loop';
import { selectBackend } from '../../src/core/backend/select';
import { HgmDivergedError, HgmProjector, hgmAlpha } from '../../src/core/mla/hgm';

/** A normalised, not quite symmetric d×d start (what P looks like after some steps) and a feature r. */
function inputs(d: number, salt: number): { P: Float32Array; r: Float32Array } {
  const P = Float32Array.from({ length: d * d }, (_, i) => {
    const [row, col] = [Math.floor(i / d), i % d];
    return (row === col ? 1 : 0) + 0.05 * Math.sin(i * 0.37 + salt) + 1e-4 * Math.cos(i * 1.7);
  });
  const r = Float32Array.from({ length: d }, (_, j) => Math.sin(j * 0.911 + salt * 2.3) * 3 + 0.5);
  return { P, r };
}

function bitsEqual(label: string, got: Float32Array, want: Float32Array): void {
  assert.equal(got.length, want.length, `${label}: length`);
  const differing = got.findIndex((v, i) => !Object.is(v, want[i]));
  assert.equal(differing, -1, `${label}: element ${differing}: ${got[differing]} vs ${want[differing]}`);
}

describe('HGM projector update on the wasm heap', () => {
  before(async () => {
    await selectBackend('wasm');
  });

  it('assembles on the wasm backend', () => {
    assert.notEqual(hgmUpdateKernel(tf.backend() as BackendWasm), null);
  });

  for (const d of [2, 3, 4, 5, 7, 64, 127, 128]) {
    it(`gives the JS loop's bits and squared norm, d = ${d}, over 6 chained steps`, () => {
      const host = tensorHost()!;
      const { P: start, r } = inputs(d, d);
      let want = start;
      let P = host.upload(start, [d, d]);
      for (let step = 0; step < 6; step++) {
        const alpha = hgmAlpha(step, 6);
        const feature = r.map((v) => v * (1 + step * 0.1));
        const wantNext = new Float32Array(d * d);
        const wantSumSq = projectorStepLoop(want, feature, alpha, wantNext);
        const { next, sumSq } = host.projectorStep(P, feature, alpha);
        assert.ok(sumSq > 0, `step ${step}: squared norm ${sumSq}`);
        assert.equal(sumSq, wantSumSq, `d = ${d}, step ${step}: squared norm`);
        bitsEqual(`d = ${d}, step ${step}`, host.view(next).slice(), wantNext);
        assert.notDeepEqual(Array.from(wantNext), Array.from(want), 'the step changed P');
        host.release(P);
        P = next;
        want = wantNext;
      }
      host.release(P);
    });
  }

  it('leaves no buffer behind and P of unit norm, through HgmProjector', () => {
    const d = 16;
    const projector = new HgmProjector(d);
    const host = tensorHost()!;
    const before = tf.memory().numBytes;
    projector.advanceOnHost(host, new Float32Array(d).fill(1), 0.1); // first step: only recorded
    for (let step = 0; step < 3; step++) {
      assert.equal(projector.advanceOnHost(host, inputs(d, step).r, hgmAlpha(step, 3)), true);
    }
    assert.equal(tf.memory().numBytes, before, 'the update frees its scratch and the old P');
    const values = Array.from(projector.tensor.dataSync());
    const norm = Math.sqrt(values.reduce((s, v) => s + v * v, 0));
    assert.ok(Math.abs(norm - 1) < 1e-5, `‖P‖_F = ${norm}`);
    projector.dispose();
  });

  it('rejects a feature that makes P vanish, freeing the buffer it made', () => {
    const projector = new HgmProjector(2);
    const host = tensorHost()!;
    projector.advanceOnHost(host, Float32Array.from([1, 1]), 0.1);
    const before = tf.memory().numBytes;
    assert.throws(
      () => projector.advanceOnHost(host, Float32Array.from([NaN, 1]), 0.1),
      (error: unknown) => error instanceof HgmDivergedError && /zero or non-finite/.test(error.message),
    );
    assert.equal(tf.memory().numBytes, before);
    projector.dispose();
  });
});

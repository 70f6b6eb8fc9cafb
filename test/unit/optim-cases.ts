// Optimizer test cases shared by optim-optimizers.test.ts (cpu backend) and optim-wasm.test.ts (wasm).
// Expected numbers come from plain-JS transcriptions of torch's algorithms (buffer = clone(g) at the first
// SGD step, torch's Adam denominator √v/√bc2 + ε), written independently of src/core/optim.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { AdamConfig, OptimizerConfig, SgdConfig } from '../../src/core/config/types';
import { createOptimizer, type OptimizerState } from '../../src/core/optim/optimizer';

const P0 = [1.0, -2.0];
const GRADS = [
  [0.5, -0.3],
  [-0.2, 0.4],
  [0.1, 0.1],
];
const LR = 0.1;

function sgdReference(cfg: SgdConfig, p0: number[], grads: number[][], lr: number): number[] {
  const p = [...p0];
  const buf: number[] = [];
  grads.forEach((g, t) => {
    for (let i = 0; i < p.length; i++) {
      const d = g[i] + cfg.weightDecay * p[i];
      let upd = d;
      if (cfg.momentum !== 0) {
        buf[i] = t === 0 ? d : cfg.momentum * buf[i] + d; // torch: buffer = clone(d) at the first step
        upd = cfg.nesterov ? d + cfg.momentum * buf[i] : buf[i];
      }
      p[i] -= lr * upd;
    }
  });
  return p;
}

function adamReference(cfg: AdamConfig, p0: number[], grads: number[][], lrs: number[]): number[] {
  const p = [...p0];
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  grads.forEach((g0, t0) => {
    const t = t0 + 1;
    const lr = lrs[t0];
    if (cfg.type === 'adamw') for (let i = 0; i < p.length; i++) p[i] *= 1 - lr * cfg.weightDecay;
    const g = cfg.type === 'adam' ? g0.map((gi, i) => gi + cfg.weightDecay * p[i]) : g0;
    const bc1 = 1 - cfg.beta1 ** t;
    const bc2 = 1 - cfg.beta2 ** t;
    for (let i = 0; i < p.length; i++) {
      m[i] = cfg.beta1 * m[i] + (1 - cfg.beta1) * g[i];
      v[i] = cfg.beta2 * v[i] + (1 - cfg.beta2) * g[i] * g[i];
      const denom = Math.sqrt(v[i]) / Math.sqrt(bc2) + cfg.epsilon;
      p[i] -= (lr / bc1) * (m[i] / denom);
    }
  });
  return p;
}

function run(cfg: OptimizerConfig, grads: number[][], lrs: number[]): number[] {
  const opt = createOptimizer(cfg);
  const variable = tf.variable(tf.tensor1d(P0));
  grads.forEach((g, t) => {
    const grad = tf.tensor1d(g);
    opt.step([{ variable, grad }], lrs[t]);
    grad.dispose();
  });
  const out = Array.from(variable.dataSync());
  variable.dispose();
  opt.dispose();
  return out;
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-6): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= tol,
      `index ${i}: ${actual[i]} vs expected ${expected[i]} (tol ${tol})`,
    );
  }
}

const sgd = (over: Partial<SgdConfig>): SgdConfig => ({
  type: 'sgd',
  lr: LR,
  momentum: 0,
  nesterov: false,
  weightDecay: 0,
  ...over,
});
const adam = (over: Partial<AdamConfig>): AdamConfig => ({
  type: 'adam',
  lr: LR,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  weightDecay: 0,
  ...over,
});

export function defineOptimizerTests(backend: 'cpu' | 'wasm'): void {
  describe(`optimizers on ${backend}`, () => {
    let previous = '';
    before(async () => {
      previous = tf.getBackend();
      assert.ok(await tf.setBackend(backend), `backend ${backend} is available`);
      await tf.ready();
    });
    after(async () => {
      if (previous) await tf.setBackend(previous);
    });

    it('plain SGD: p ← p − lr·g', () => {
      // 1 − 0.1·(0.5 − 0.2 + 0.1) = 0.96; −2 − 0.1·(−0.3 + 0.4 + 0.1) = −2.02
      assertClose(run(sgd({}), GRADS, [LR, LR, LR]), [0.96, -2.02]);
    });

    it('SGD momentum 0.9: v ← μv + g, torch buffer starts at g', () => {
      // element 0 by hand: v = 0.5, 0.25, 0.325 → p = 0.95, 0.925, 0.8925
      const got = run(sgd({ momentum: 0.9 }), GRADS, [LR, LR, LR]);
      assertClose([got[0]], [0.8925]);
      assertClose(got, sgdReference(sgd({ momentum: 0.9 }), P0, GRADS, LR));
    });

    it('SGD weight decay is added to the gradient (with and without momentum)', () => {
      // one step, no momentum, wd 0.1: 1 − 0.1·(0.5 + 0.1·1) = 0.94
      assertClose(run(sgd({ weightDecay: 0.1 }), GRADS.slice(0, 1), [LR]), [0.94, -2 - 0.1 * (-0.3 - 0.2)]);
      const cfg = sgd({ momentum: 0.9, weightDecay: 0.05 });
      assertClose(run(cfg, GRADS, [LR, LR, LR]), sgdReference(cfg, P0, GRADS, LR));
    });

    it('SGD Nesterov: update = g + μv', () => {
      // element 0: v1 = 0.5, upd 0.95 → 0.905; v2 = 0.25, upd 0.025 → 0.9025; v3 = 0.325, upd 0.3925 → 0.86325
      const cfg = sgd({ momentum: 0.9, nesterov: true });
      const got = run(cfg, GRADS, [LR, LR, LR]);
      assertClose([got[0]], [0.86325]);
      assertClose(got, sgdReference(cfg, P0, GRADS, LR));
      const withWd = sgd({ momentum: 0.9, nesterov: true, weightDecay: 0.01 });
      assertClose(run(withWd, GRADS, [LR, LR, LR]), sgdReference(withWd, P0, GRADS, LR));
    });

    it('Adam: first step moves each weight by lr·sign(g), then matches torch over 3 steps', () => {
      assertClose(run(adam({}), GRADS.slice(0, 1), [LR]), [0.9, -1.9], 1e-6);
      const lrs = [0.1, 0.05, 0.02];
      assertClose(run(adam({}), GRADS, lrs), adamReference(adam({}), P0, GRADS, lrs));
      // a large ε makes its placement (√v/√bc2 + ε, as torch) visible
      const bigEps = adam({ epsilon: 0.1, weightDecay: 0.2 });
      assertClose(run(bigEps, GRADS, lrs), adamReference(bigEps, P0, GRADS, lrs));
    });

    it('AdamW: decoupled decay p·(1 − lr·wd) before the Adam step, differs from Adam + L2', () => {
      const lrs = [0.1, 0.05, 0.02];
      const cfgW = adam({ type: 'adamw', weightDecay: 0.5, epsilon: 0.01 });
      const gotW = run(cfgW, GRADS, lrs);
      assertClose(gotW, adamReference(cfgW, P0, GRADS, lrs));
      // one step by hand: p = 1·(1 − 0.1·0.5) = 0.95, then − 0.1·0.5/(0.5 + 0.01) → 0.8519608
      assertClose(run(cfgW, GRADS.slice(0, 1), [0.1]), [0.95 - 0.05 / 0.51, -2 * 0.95 + 0.03 / 0.31], 1e-6);
      const gotL2 = run(adam({ weightDecay: 0.5, epsilon: 0.01 }), GRADS, lrs);
      assert.ok(Math.abs(gotL2[0] - gotW[0]) > 1e-3, 'AdamW and Adam+L2 give different results');
    });

    it('keeps a step count per parameter; variables not listed are untouched', async () => {
      const cfg = adam({ weightDecay: 0.1 });
      const opt = createOptimizer(cfg);
      const head = tf.variable(tf.tensor1d(P0));
      const enc = tf.variable(tf.tensor1d([0.5, 0.25]));
      const g = tf.tensor1d(GRADS[0]);
      const g2 = tf.tensor1d(GRADS[1]);
      opt.step(
        [
          { variable: head, grad: g },
          { variable: enc, grad: g },
        ],
        LR,
      );
      const encAfterFirst = Array.from(enc.dataSync());
      opt.step([{ variable: head, grad: g2 }], LR); // the head alone, as a second modality step would
      assert.deepEqual(Array.from(enc.dataSync()), encAfterFirst, 'unlisted variable unchanged');
      opt.step(
        [
          { variable: head, grad: g },
          { variable: enc, grad: g2 },
        ],
        LR,
      );
      assertClose(head.dataSync(), adamReference(cfg, P0, [GRADS[0], GRADS[1], GRADS[0]], [LR, LR, LR]));
      // the encoder's second step uses bias correction for t = 2, not 3
      assertClose(enc.dataSync(), adamReference(cfg, [0.5, 0.25], [GRADS[0], GRADS[1]], [LR, LR]));
      const names = new Map([
        [head, 'head.kernel'],
        [enc, 'enc.kernel'],
      ]);
      const state = await opt.exportState(names);
      assert.equal(state.params['head.kernel'].step, 3);
      assert.equal(state.params['enc.kernel'].step, 2);
      tf.dispose([head, enc, g, g2]);
      opt.dispose();
    });

    for (const cfg of [sgd({ momentum: 0.9, nesterov: true, weightDecay: 1e-2 }), adam({ type: 'adamw' })]) {
      it(`${cfg.type}: export/import (through a structured clone) gives identical subsequent updates`, async () => {
        const a = createOptimizer(cfg);
        const pa = tf.variable(tf.tensor2d([1, 2, 3, 4], [2, 2]));
        const grads = [
          tf.tensor2d([0.1, -0.2, 0.3, 0.05], [2, 2]),
          tf.tensor2d([-0.4, 0.1, 0.2, 0.3], [2, 2]),
          tf.tensor2d([0.25, 0.25, -0.1, 0.0], [2, 2]),
        ];
        a.step([{ variable: pa, grad: grads[0] }], 0.1);
        a.step([{ variable: pa, grad: grads[1] }], 0.1);
        // What a checkpoint worker receives: a structured clone, typed arrays and all.
        const saved: OptimizerState = structuredClone(await a.exportState(new Map([[pa, 'w']])));
        assert.equal(saved.type, cfg.type);
        assert.equal(saved.params.w.step, 2);
        const slotNames = Object.keys(saved.params.w.slots).sort();
        assert.deepEqual(slotNames, cfg.type === 'sgd' ? ['momentum'] : ['m', 'v']);
        assert.deepEqual(saved.params.w.slots[slotNames[0]].shape, [2, 2]);

        const b = createOptimizer(cfg);
        const pb = tf.variable(pa.clone());
        b.importState(saved, new Map([['w', pb]]));
        a.step([{ variable: pa, grad: grads[2] }], 0.05);
        b.step([{ variable: pb, grad: grads[2] }], 0.05);
        assert.deepEqual(Array.from(pb.dataSync()), Array.from(pa.dataSync()));
        // a fresh optimizer (no imported state) would have stepped differently
        const c = createOptimizer(cfg);
        const pc = tf.variable(pb.clone());
        c.step([{ variable: pc, grad: grads[2] }], 0.05);
        assert.notDeepEqual(Array.from(pc.dataSync()), Array.from(pa.dataSync()));
        tf.dispose([pa, pb, pc, ...grads]);
        a.dispose();
        b.dispose();
        c.dispose();
      });
    }

    it('importState rejects a state that does not fit, naming the parameter', () => {
      const opt = createOptimizer(adam({}));
      const w = tf.variable(tf.zeros([2, 3]));
      const byName = new Map([['w', w]]);
      const slot = (shape: number[]) => ({ shape, values: new Float32Array(6) });
      assert.throws(
        () => opt.importState({ type: 'sgd', params: {} }, byName),
        /saved for "sgd" but the config asks for "adam"/,
      );
      assert.throws(
        () => opt.importState({ type: 'adam', params: { x: { step: 1, slots: {} } } }, byName),
        /params\["x"\]: no parameter of the model has this name/,
      );
      assert.throws(
        () =>
          opt.importState(
            { type: 'adam', params: { w: { step: 1, slots: { m: slot([3, 2]), v: slot([2, 3]) } } } },
            byName,
          ),
        /params\["w"\]\.slots\.m: shape \[3,2\] does not match the parameter's shape \[2,3\]/,
      );
      assert.throws(
        () =>
          opt.importState({ type: 'adam', params: { w: { step: 1, slots: { m: slot([2, 3]) } } } }, byName),
        /params\["w"\]\.slots: missing slot "v"/,
      );
      w.dispose();
      opt.dispose();
    });

    it('rejects a gradient whose shape differs from the variable', () => {
      const opt = createOptimizer(sgd({}));
      const w = tf.variable(tf.zeros([2, 3]));
      const g = tf.zeros([1, 3]);
      assert.throws(
        () => opt.step([{ variable: w, grad: g }], 0.1),
        /gradient of shape \[1,3\].*shape \[2,3\]/,
      );
      tf.dispose([w, g]);
      opt.dispose();
    });

    for (const cfg of [
      sgd({ momentum: 0.9, nesterov: true, weightDecay: 1e-4 }),
      adam({ weightDecay: 1e-4 }),
    ]) {
      it(`${cfg.type}: tensor count stays flat over 1000 steps and returns to start after dispose`, () => {
        const start = tf.memory().numTensors;
        const opt = createOptimizer(cfg);
        // tf.variable keeps its initial tensor alive as a second handle: build both inside tidy.
        const a = tf.tidy(() => tf.variable(tf.randomNormal([8, 4])));
        const b = tf.tidy(() => tf.variable(tf.randomNormal([4])));
        const ga = tf.randomNormal([8, 4]);
        const gb = tf.randomNormal([4]);
        const updates = [
          { variable: a, grad: ga },
          { variable: b, grad: gb },
        ];
        opt.step(updates, 0.01);
        const afterFirst = tf.memory().numTensors;
        for (let i = 0; i < 1000; i++) opt.step(updates, 0.01);
        assert.equal(tf.memory().numTensors, afterFirst);
        assert.ok(a.dataSync().every(Number.isFinite));
        opt.dispose();
        tf.dispose([a, b, ga, gb]);
        assert.equal(tf.memory().numTensors, start);
      });
    }
  });
}

// The fused MLA step (src/core/train/fast/mla-mlp-step.ts) against the autodiff step it replaces, on cpu and
// wasm: the gradients handed to the optimizer, the parameters, optimizer state and HGM projector after three
// steps (the first one skips HGM), the loss and correct counts; with dropout, HGM replace and add, SGD
// (plain, momentum, Nesterov), Adam and AdamW, widths that are and are not multiples of the SIMD width,
// and the zero_grad quirk. The same for the fused joint step (fast/joint-mlp-step.ts), with a modality missing
// from some rows.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import type { TensorHost } from '../../src/core/backend/host';
import { assembleSimdModule } from '../../src/core/backend/kernels/simd-loops';
import { selectBackend } from '../../src/core/backend/select';
import type { HgmMode, OptimizerConfig, ResolvedConfig } from '../../src/core/config/types';
import { HgmProjector } from '../../src/core/mla/hgm';
import { gradView, type HostUpdate } from '../../src/core/optim/fused';
import { createOptimizer, type Optimizer, type OptimizerState } from '../../src/core/optim/optimizer';
import { Network } from '../../src/core/train/network';
import type { PreparedModality } from '../../src/core/train/prepare';
import { jointStep, mlaStep } from '../../src/core/train/steps';
import { Rng } from '../../src/core/util/random';

const TOL = 1e-4;

interface Case {
  name: string;
  hidden: number[];
  featureDim: number;
  classes: number;
  dropout: number;
  hgm: HgmMode;
  optimizer: OptimizerConfig;
  quirk: boolean;
}

const SGD = { type: 'sgd', lr: 0.05, momentum: 0.9, weightDecay: 1e-3, nesterov: false } as const;
const CASES: Case[] = [
  {
    name: 'dropout, HGM replace, SGD momentum',
    hidden: [12],
    featureDim: 8,
    classes: 4,
    dropout: 0.3,
    hgm: 'replace',
    optimizer: SGD,
    quirk: false,
  },
  {
    name: 'odd widths (JS tails), HGM add, Nesterov',
    hidden: [10, 6],
    featureDim: 6,
    classes: 3,
    dropout: 0.2,
    hgm: 'add',
    optimizer: { ...SGD, nesterov: true },
    quirk: false,
  },
  {
    name: 'no dropout, HGM off, plain SGD, zero_grad quirk',
    hidden: [8],
    featureDim: 4,
    classes: 5,
    dropout: 0,
    hgm: 'off',
    optimizer: { ...SGD, momentum: 0, weightDecay: 0 },
    quirk: true,
  },
  {
    name: 'Adam with L2',
    hidden: [16],
    featureDim: 8,
    classes: 3,
    dropout: 0.1,
    hgm: 'replace',
    optimizer: { type: 'adam', lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 1e-2 },
    quirk: false,
  },
  {
    name: 'AdamW',
    hidden: [16],
    featureDim: 8,
    classes: 3,
    dropout: 0.1,
    hgm: 'add',
    optimizer: { type: 'adamw', lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 1e-2 },
    quirk: false,
  },
];

const MODALITIES = [
  { name: 'a', sampleShape: [3, 5] },
  { name: 'b', sampleShape: [7] },
];
const ROWS = 9;

function buildNet(c: Case, seed: number, method = 'mla'): Network {
  const config = {
    method,
    model: {
      featureDim: c.featureDim,
      encoders: Object.fromEntries(
        MODALITIES.map((m) => [
          m.name,
          { type: 'mlp', hidden: c.hidden, dropout: c.dropout, activation: 'relu' },
        ]),
      ),
    },
  } as unknown as ResolvedConfig;
  return Network.build(config, MODALITIES as unknown as PreparedModality[], c.classes, seed);
}

/** Records the gradients it is given (as numbers, by variable), then applies the real optimizer's update. */
class Recording implements Optimizer {
  grads = new Map<tf.Variable, Float32Array>();
  constructor(readonly inner: Optimizer) {}
  step(updates: { variable: tf.Variable; grad: tf.Tensor }[], lr: number): void {
    for (const u of updates) this.grads.set(u.variable, u.grad.dataSync() as Float32Array);
    this.inner.step(updates, lr);
  }
  stepHost(host: TensorHost, updates: HostUpdate[], lr: number): void {
    for (const u of updates)
      this.grads.set(u.variable, Float32Array.from(gradView(host, u.grad, u.variable.size)));
    this.inner.stepHost(host, updates, lr);
  }
  exportState(names: Map<tf.Variable, string>): Promise<OptimizerState> {
    return this.inner.exportState(names);
  }
  importState(): void {}
  dispose(): void {
    this.inner.dispose();
  }
}

function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  const e = relErr(a, b);
  assert.ok(e <= TOL, `${what}: relative error ${e}`);
}

async function compare(c: Case): Promise<void> {
  const side = (fused: boolean) => {
    const net = buildNet(c, 5);
    return {
      fused,
      net,
      opt: new Recording(createOptimizer(c.optimizer)),
      projector: c.hgm === 'off' ? null : new HgmProjector(c.featureDim),
      names: new Map(net.namedVariables().map((v) => [v.variable, v.name])),
    };
  };
  const fast = side(true);
  const slow = side(false);
  const rng = Rng.fromSeed(3, 'fast-path-test');
  for (let step = 0; step < 3; step++) {
    const labels = Array.from({ length: ROWS }, () => rng.int(c.classes));
    const y = tf.oneHot(tf.tensor1d(labels, 'int32'), c.classes).toFloat() as tf.Tensor2D;
    for (const [k, m] of MODALITIES.entries()) {
      const size = m.sampleShape.reduce((a, b) => a * b, 1);
      const x = tf.tensor(
        Float32Array.from({ length: ROWS * size }, () => rng.normal()),
        [ROWS, ...m.sampleShape],
      );
      const results = [fast, slow].map((s) => {
        const before = tf.memory().numTensors;
        const buffersBefore = tf.engine().backend.numDataIds();
        const t = mlaStep(s.net, s.opt, s.projector ? { projector: s.projector, mode: c.hgm } : null, {
          modality: m.name,
          x,
          y,
          lr: 0.05,
          batch: step,
          batches: 3,
          seed: 100 + step * 10 + k,
          quirkEncoders: c.quirk ? MODALITIES.slice(0, k).map((q) => q.name) : [],
          fused: s.fused,
        });
        assert.equal('host' in t, s.fused, 'the fused path applies to these MLPs');
        const out =
          'host' in t
            ? { loss: t.lossSum, correct: t.correct }
            : { loss: t.lossSum.dataSync()[0], correct: t.correct.dataSync()[0] };
        if (!('host' in t)) tf.dispose([t.lossSum, t.correct]);
        // Nothing left behind but the optimizer's lazily created slots, and no backend buffer the engine
        // does not know of (the fused path makes its own).
        const added = tf.memory().numTensors - before;
        assert.ok(added <= (s.net.encoder(m.name).trainable.length + 2) * 2);
        assert.equal(tf.engine().backend.numDataIds() - buffersBefore, added, 'backend buffers released');
        return out;
      });
      const where = `step ${step}, modality ${m.name}`;
      close([results[0].loss], [results[1].loss], `${where}: loss`);
      assert.equal(results[0].correct, results[1].correct, `${where}: correct`);
      assert.equal(fast.opt.grads.size, slow.opt.grads.size, `${where}: number of updated variables`);
      for (const [v, g] of slow.opt.grads) {
        const name = slow.names.get(v)!;
        const fv = fast.net.namedVariables().find((n) => n.name === name)!.variable;
        close(fast.opt.grads.get(fv)!, g, `${where}: gradient of ${name}`);
      }
      fast.opt.grads.clear();
      slow.opt.grads.clear();
      const fastVars = fast.net.namedVariables();
      slow.net.namedVariables().forEach((v, i) => {
        close(fastVars[i].variable.dataSync(), v.variable.dataSync(), `${where}: ${v.name} after the step`);
      });
      if (fast.projector && slow.projector) {
        assert.equal(fast.projector.firstStepDone, slow.projector.firstStepDone);
        close(await fast.projector.read(), await slow.projector.read(), `${where}: HGM projector`);
      }
      x.dispose();
    }
    y.dispose();
  }
  const [fs, ss] = await Promise.all([fast.opt.exportState(fast.names), slow.opt.exportState(slow.names)]);
  assert.deepEqual(
    Object.keys(fs.params),
    Object.keys(ss.params),
    'optimizer state lists the same parameters in the same order',
  );
  for (const [name, p] of Object.entries(ss.params)) {
    assert.equal(fs.params[name].step, p.step, `${name}: step count`);
    assert.deepEqual(Object.keys(fs.params[name].slots), Object.keys(p.slots));
    for (const [slot, s] of Object.entries(p.slots))
      close(fs.params[name].slots[slot].values, s.values, `${name}.${slot}`);
  }
  for (const s of [fast, slow]) {
    s.net.dispose();
    s.opt.dispose();
    s.projector?.dispose();
  }
}

test('the SIMD module assembles into valid WebAssembly', () => {
  const api = (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly;
  assert.ok(api.validate(assembleSimdModule()));
});

/** The fused joint step against autodiff: with dropout, a modality absent from some rows, every optimizer. */
function compareJoint(c: Case): void {
  const sides = [true, false].map((fused) => ({
    fused,
    net: buildNet(c, 8, 'joint'),
    opt: createOptimizer(c.optimizer),
  }));
  const rng = Rng.fromSeed(4, 'fast-path-joint');
  for (let step = 0; step < 3; step++) {
    const labels = Array.from({ length: ROWS }, () => rng.int(c.classes));
    const y = tf.oneHot(tf.tensor1d(labels, 'int32'), c.classes).toFloat() as tf.Tensor2D;
    const xs = MODALITIES.map((m) => {
      const size = m.sampleShape.reduce((a, b) => a * b, 1);
      return tf.tensor(
        Float32Array.from({ length: ROWS * size }, () => rng.normal()),
        [ROWS, ...m.sampleShape],
      );
    });
    // Modality b is missing from every third row.
    const present = Float32Array.from({ length: ROWS }, (_, r) => (r % 3 === 1 ? 0 : 1));
    const masks = [null, tf.tensor2d(present, [ROWS, 1])];
    const sums = sides.map((s) => {
      const t = jointStep(s.net, s.opt, { xs, masks, y, lr: 0.05, seed: 40 + step, fused: s.fused });
      assert.equal('host' in t, s.fused, 'the fused joint path applies to these MLPs');
      if ('host' in t) return [t.lossSum, t.correct, ...t.unimodal.flatMap((u) => [u.lossSum, u.correct])];
      const all = [t.lossSum, t.correct, ...t.unimodal.flatMap((u) => [u.lossSum, u.correct])];
      const values = all.map((v) => v.dataSync()[0]);
      tf.dispose(all);
      return values;
    });
    sums[0].forEach((v, i) => close([v], [sums[1][i]], `joint step ${step}: loss/correct sum ${i}`));
    const [a, b] = sides.map((s) => s.net.namedVariables());
    b.forEach((v, i) =>
      close(a[i].variable.dataSync(), v.variable.dataSync(), `joint step ${step}: ${v.name}`),
    );
    tf.dispose([...xs, y, masks[1]!]);
  }
  for (const s of sides) {
    s.net.dispose();
    s.opt.dispose();
  }
}

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`fused MLA step = autodiff step on ${backend}`, () => {
    let previous = '';
    before(async () => {
      previous = tf.getBackend();
      await selectBackend(backend);
    });
    after(async () => {
      if (previous) await tf.setBackend(previous);
    });
    for (const c of CASES) test(c.name, () => compare(c));
    for (const c of CASES) test(`joint: ${c.name}`, () => compareJoint(c));
  });
}

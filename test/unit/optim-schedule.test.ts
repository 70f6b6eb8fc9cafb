import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { learningRateAt } from '../../src/core/optim/schedule';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

describe('learningRateAt', () => {
  it('none: the base rate at every epoch', () => {
    assert.equal(learningRateAt(0, 0.01, { type: 'none' }, 10), 0.01);
    assert.equal(learningRateAt(9, 0.01, { type: 'none' }, 10), 0.01);
  });

  it('step: the reference schedule, ×0.1 every 70 epochs', () => {
    const s = { type: 'step', stepSize: 70, gamma: 0.1 } as const;
    close(learningRateAt(0, 1e-3, s, 100), 1e-3);
    close(learningRateAt(69, 1e-3, s, 100), 1e-3);
    close(learningRateAt(70, 1e-3, s, 100), 1e-4);
    close(learningRateAt(99, 1e-3, s, 100), 1e-4);
    close(learningRateAt(140, 1e-3, s, 200), 1e-5);
    close(learningRateAt(5, 0.2, { type: 'step', stepSize: 2, gamma: 0.5 }, 10), 0.05);
  });

  it('cosine: closed form with T_max = epochs and eta_min = minLr', () => {
    const s = { type: 'cosine', minLr: 0.001 } as const;
    close(learningRateAt(0, 0.1, s, 10), 0.1);
    close(learningRateAt(5, 0.1, s, 10), 0.0505);
    // cos(0.3π) = 0.5877852523: 0.001 + 0.099·(1 + 0.5877852523)/2
    close(learningRateAt(3, 0.1, s, 10), 0.0795953699, 1e-9);
    close(learningRateAt(10, 0.1, s, 10), 0.001);
  });

  it("cosine equals torch's recursive CosineAnnealingLR for every epoch up to T_max", () => {
    const base = 0.05;
    const minLr = 0.002;
    const T = 7;
    let lr = base;
    for (let t = 1; t <= T; t++) {
      lr =
        minLr + ((lr - minLr) * (1 + Math.cos((Math.PI * t) / T))) / (1 + Math.cos((Math.PI * (t - 1)) / T));
      close(learningRateAt(t, base, { type: 'cosine', minLr }, T), lr, 1e-12);
    }
  });
});

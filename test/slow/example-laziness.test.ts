// The built-in example tells the paper's story: trained jointly, the model fits the train set through the
// strong modality's shortcut and the weak modality learns little; under MLA the weak modality learns clearly
// more, and the fused test accuracy is clearly higher. Three seeds, as papers report.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatMeanStd } from '../../src/shared/format';
import { meanStd } from '../../src/shared/stats';
import { pool, trainSeed } from '../support/cli';
import { exampleWorkspace, tempDir } from '../support/training';

const SEEDS = [0, 1, 2];

function fmt(s: { mean: number; std: number }): string {
  return formatMeanStd(s.mean, s.std, { unit: '%' });
}

describe('built-in example, 3 seeds', () => {
  it(
    'MLA lifts the weak modality well above joint training and the fused accuracy at least 3 points above it',
    { timeout: 10 * 60_000 },
    async () => {
      const ws = await exampleWorkspace();
      const runs = tempDir('laziness');
      const results = await pool(
        [
          ...SEEDS.map((s) => () => trainSeed(ws.mla, s, `${runs}/mla`)),
          ...SEEDS.map((s) => () => trainSeed(ws.joint, s, `${runs}/joint`)),
        ],
        2,
      );
      const mla = results.slice(0, 3).map((r) => r.test);
      const joint = results.slice(3).map((r) => r.test);
      const weakMla = meanStd(mla.map((t) => t.unimodal.weak));
      const weakJoint = meanStd(joint.map((t) => t.unimodal.weak));
      const fusedMla = meanStd(mla.map((t) => t.fused));
      const fusedJoint = meanStd(joint.map((t) => t.fused));
      console.log(
        `weak modality: MLA ${fmt(weakMla)}, joint ${fmt(weakJoint)}; fused: MLA ${fmt(fusedMla)}, joint ${fmt(fusedJoint)}`,
      );
      assert.ok(
        weakMla.mean - weakJoint.mean >= 0.05 && weakMla.mean - weakMla.std > weakJoint.mean + weakJoint.std,
        `weak modality not clearly higher under MLA: ${fmt(weakMla)} vs ${fmt(weakJoint)}`,
      );
      assert.ok(
        fusedMla.mean >= fusedJoint.mean + 0.03,
        `fused not 3 points higher under MLA: ${fmt(fusedMla)} vs ${fmt(fusedJoint)}`,
      );
      SEEDS.forEach((seed, i) =>
        assert.ok(
          mla[i].fused > joint[i].fused,
          `seed ${seed}: fused ${mla[i].fused} under MLA, not above joint's ${joint[i].fused}`,
        ),
      );
    },
  );
});

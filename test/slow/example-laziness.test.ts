// The built-in example shows modality laziness: trained jointly, the weak modality learns little; under MLA
// it learns clearly more, and the fused accuracy does not suffer. Three seeds, as papers report.

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
    'MLA lifts the weak modality well above joint training without losing fused accuracy',
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
        fusedMla.mean + fusedMla.std >= fusedJoint.mean,
        `fused lower under MLA: ${fmt(fusedMla)} vs ${fmt(fusedJoint)}`,
      );
    },
  );
});

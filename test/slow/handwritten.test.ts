// Real data: UCI handwritten (six views) with the peer's config, 3 seeds, MLA against joint training and
// against the independent PyTorch peer on the same config. Prints the table the README quotes.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { formatMeanStd } from '../../src/shared/format';
import { meanStd } from '../../src/shared/stats';
import type { RunSummary } from '../../src/core/runs/types';
import { peerAvailable, peerSeed, pool, trainSeed, type PeerSummary } from '../support/cli';
import { SHARED, tempDir } from '../support/training';

const PEER_SCRIPT = path.join(SHARED, 'peer', 'torch_mla.py');
const CONFIG = path.join(SHARED, 'peer', 'handwritten.mla.json');
const SEEDS = [0, 1, 2];
const MODALITIES = ['pix', 'fou', 'fac', 'zer', 'kar', 'mor'];

type Scores = { fused: number; unimodal: Record<string, number> };

function stats(scores: Scores[], pick: (s: Scores) => number) {
  return meanStd(scores.map(pick));
}

function fmt(s: { mean: number; std: number }): string {
  return formatMeanStd(s.mean, s.std);
}

describe('handwritten (UCI Multiple Features), 3 seeds', () => {
  it(
    'MLA beats joint training on every modality and matches the PyTorch peer',
    { timeout: 40 * 60_000 },
    async () => {
      const work = tempDir('handwritten');
      const jointConfig = path.join(work, 'handwritten-joint.mla.json');
      const raw = JSON.parse(fs.readFileSync(CONFIG, 'utf8')) as Record<string, unknown>;
      fs.writeFileSync(
        jointConfig,
        JSON.stringify({
          ...raw,
          name: 'handwritten-joint',
          method: 'joint',
          dataset: path.join(SHARED, 'datasets', 'handwritten', 'dataset.json'),
        }),
      );
      const hasPeer = peerAvailable();
      // Two processes at a time: this machine has two cores and each trainer uses one.
      const jobs: (() => Promise<RunSummary | PeerSummary>)[] = [
        ...SEEDS.map((s) => () => trainSeed(CONFIG, s, path.join(work, 'mla'))),
        ...SEEDS.map((s) => () => trainSeed(jointConfig, s, path.join(work, 'joint'))),
        ...(hasPeer ? SEEDS.map((s) => () => peerSeed(PEER_SCRIPT, CONFIG, s, path.join(work, 'peer'))) : []),
      ];
      const results = await pool(jobs, 2);
      const mla = results.slice(0, 3).map((r) => (r as RunSummary).test);
      const joint = results.slice(3, 6).map((r) => (r as RunSummary).test);
      const peer = hasPeer ? results.slice(6, 9).map((r) => (r as PeerSummary).test) : [];

      const rows: string[] = [
        `| method | fused | ${MODALITIES.join(' | ')} |`,
        `| --- | --- | ${MODALITIES.map(() => '---').join(' | ')} |`,
      ];
      for (const [name, set] of [
        ['MLA Studio, MLA', mla],
        ['MLA Studio, joint', joint],
        ['PyTorch peer, MLA', peer],
      ] as const) {
        if (set.length === 0) continue;
        rows.push(
          `| ${name} | ${fmt(stats(set, (s) => s.fused))} | ${MODALITIES.map((m) => fmt(stats(set, (s) => s.unimodal[m]))).join(' | ')} |`,
        );
      }
      console.log(
        `handwritten test accuracy (%), mean ± std over seeds ${SEEDS.join(', ')}:\n${rows.join('\n')}`,
      );
      if (!hasPeer)
        console.log(
          'PyTorch peer not available (apt-get install -y python3-torch python3-numpy): compared with joint only',
        );

      const mlaFused = stats(mla, (s) => s.fused);
      const jointFused = stats(joint, (s) => s.fused);
      const spread = (a: { std: number }, b: { std: number }) => Math.max(a.std, b.std);
      assert.ok(
        mlaFused.mean >= jointFused.mean - spread(mlaFused, jointFused),
        `MLA fused ${fmt(mlaFused)} below joint ${fmt(jointFused)} beyond the seeds' spread`,
      );
      for (const m of MODALITIES) {
        const a = stats(mla, (s) => s.unimodal[m]);
        const b = stats(joint, (s) => s.unimodal[m]);
        assert.ok(a.mean - b.mean >= 0.1, `${m}: MLA ${fmt(a)} is not far above joint ${fmt(b)}`);
      }
      if (hasPeer) {
        const peerFused = stats(peer, (s) => s.fused);
        assert.ok(
          mlaFused.mean >= peerFused.mean - spread(mlaFused, peerFused),
          `MLA fused ${fmt(mlaFused)} below the PyTorch peer ${fmt(peerFused)} beyond the seeds' spread`,
        );
      }
    },
  );
});

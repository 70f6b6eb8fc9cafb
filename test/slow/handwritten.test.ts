// Real data: UCI handwritten (six views) with the six-MLP config, 3 seeds, MLA against joint training and
// against an independent PyTorch implementation on the same config. Prints the table docs/algorithm.md
// quotes. The dataset and the PyTorch implementation live beside the clone; where either is missing, the
// tests that need it are skipped with the reason.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { formatMeanStd } from '../../src/shared/format';
import { meanStd } from '../../src/shared/stats';
import type { RunSummary } from '../../src/core/runs/types';
import { peerAvailable, peerSeed, pool, trainSeed, PEER_PYTHON } from '../support/cli';
import {
  HANDWRITTEN_CONFIG,
  HANDWRITTEN_DATASET,
  SHARED,
  handwrittenMissing,
  tempDir,
} from '../support/training';

const PEER_SCRIPT = path.join(SHARED, 'peer', 'torch_mla.py');
const CONFIG = HANDWRITTEN_CONFIG;
const DATASET = HANDWRITTEN_DATASET;
const SEEDS = [0, 1, 2];
const MODALITIES = ['pix', 'fou', 'fac', 'zer', 'kar', 'mor'];
const TIMEOUT = 40 * 60_000;

type Scores = { fused: number; unimodal: Record<string, number> };
type Stats = { mean: number; std: number };

function stats(scores: Scores[], pick: (s: Scores) => number): Stats {
  return meanStd(scores.map(pick));
}

function fmt(s: Stats): string {
  return formatMeanStd(s.mean, s.std);
}

function spread(a: Stats, b: Stats): number {
  return Math.max(a.std, b.std);
}

function missingPeer(): string | null {
  if (!fs.existsSync(PEER_SCRIPT)) return `the PyTorch implementation is not at ${PEER_SCRIPT}`;
  if (!peerAvailable())
    return `PyTorch is not installed for ${PEER_PYTHON} (apt-get install -y python3-torch python3-numpy libopenblas0-pthread)`;
  return null;
}

function table(rows: [string, Scores[]][]): string {
  return [
    `| method | fused | ${MODALITIES.join(' | ')} |`,
    `| --- | --- | ${MODALITIES.map(() => '---').join(' | ')} |`,
    ...rows.map(
      ([name, set]) =>
        `| ${name} | ${fmt(stats(set, (s) => s.fused))} | ${MODALITIES.map((m) => fmt(stats(set, (s) => s.unimodal[m]))).join(' | ')} |`,
    ),
  ].join('\n');
}

let ours: Promise<{ mla: Scores[]; joint: Scores[] }> | undefined;

/** MLA and joint, every seed, trained once for both tests; two processes at a time (one core each). */
function ourRuns(): Promise<{ mla: Scores[]; joint: Scores[] }> {
  ours ??= (async () => {
    const work = tempDir('handwritten');
    const jointConfig = path.join(work, 'handwritten-joint.mla.json');
    const raw = JSON.parse(fs.readFileSync(CONFIG, 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(
      jointConfig,
      JSON.stringify({ ...raw, name: 'handwritten-joint', method: 'joint', dataset: DATASET }),
    );
    const jobs: (() => Promise<RunSummary>)[] = [
      ...SEEDS.map((s) => () => trainSeed(CONFIG, s, path.join(work, 'mla'))),
      ...SEEDS.map((s) => () => trainSeed(jointConfig, s, path.join(work, 'joint'))),
    ];
    const results = await pool(jobs, 2);
    return {
      mla: results.slice(0, SEEDS.length).map((r) => r.test),
      joint: results.slice(SEEDS.length).map((r) => r.test),
    };
  })();
  return ours;
}

describe('handwritten (UCI Multiple Features), 3 seeds', () => {
  it(
    'MLA lifts every modality far above joint training, fused accuracy kept',
    { timeout: TIMEOUT },
    async (t) => {
      const missing = handwrittenMissing();
      if (missing) {
        t.skip(missing);
        return;
      }
      const { mla, joint } = await ourRuns();
      console.log(
        `handwritten test accuracy (%), mean ± std over seeds ${SEEDS.join(', ')}:\n` +
          table([
            ['MLA Studio, MLA', mla],
            ['MLA Studio, joint', joint],
          ]),
      );
      const mlaFused = stats(mla, (s) => s.fused);
      const jointFused = stats(joint, (s) => s.fused);
      assert.ok(
        mlaFused.mean >= jointFused.mean - spread(mlaFused, jointFused),
        `MLA fused ${fmt(mlaFused)} below joint ${fmt(jointFused)} beyond the seeds' spread`,
      );
      for (const m of MODALITIES) {
        const a = stats(mla, (s) => s.unimodal[m]);
        const b = stats(joint, (s) => s.unimodal[m]);
        assert.ok(a.mean - b.mean >= 0.1, `${m}: MLA ${fmt(a)} is not far above joint ${fmt(b)}`);
      }
    },
  );

  it(
    'MLA matches the PyTorch implementation on the same config and seeds',
    { timeout: TIMEOUT },
    async (t) => {
      const missing = handwrittenMissing() ?? missingPeer();
      if (missing) {
        t.skip(missing);
        return;
      }
      const { mla } = await ourRuns();
      const work = tempDir('handwritten-peer');
      const peer = (
        await pool(
          SEEDS.map((s) => () => peerSeed(PEER_SCRIPT, CONFIG, s, work)),
          2,
        )
      ).map((p) => p.test);
      console.log(
        `handwritten test accuracy (%), mean ± std over seeds ${SEEDS.join(', ')}:\n` +
          table([
            ['MLA Studio, MLA', mla],
            ['PyTorch, MLA', peer],
          ]),
      );
      const mlaFused = stats(mla, (s) => s.fused);
      const peerFused = stats(peer, (s) => s.fused);
      assert.ok(
        mlaFused.mean >= peerFused.mean - spread(mlaFused, peerFused),
        `MLA fused ${fmt(mlaFused)} below PyTorch ${fmt(peerFused)} beyond the seeds' spread`,
      );
    },
  );
});

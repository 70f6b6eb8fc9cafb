// The "summarise" stage: summary.json's figures from the run's history, the selected (best) epoch, the
// loop's position and clock.

import type { RunSummary, SummaryScores } from '../runs/types';
import { roundTo } from '../util/round';
import type { TrainingLoop } from './loop';

export function summarise(loop: TrainingLoop, state: RunSummary['state']): RunSummary {
  const { opts } = loop;
  const { history, best, position } = loop.state;
  const last = history[history.length - 1];
  const chosen = best ?? last;
  const empty: SummaryScores = { fused: NaN, unimodal: {}, macroF1: NaN };
  const trainSeconds = position.trainSeconds + position.partialSeconds;
  const samples = loop.trainRows * position.epochsDone;
  return {
    state,
    method: opts.config.method,
    seed: opts.seed,
    backend: opts.backend,
    epochs: position.epochsDone,
    bestEpoch: chosen ? chosen.epoch : 0,
    seconds: roundTo(trainSeconds, 3),
    wallSeconds: roundTo(loop.elapsed(), 3),
    samplesPerSecond: trainSeconds > 0 ? roundTo(samples / position.trainSeconds || 0, 2) : 0,
    test: chosen ? scoresOf(chosen.test) : empty,
    val: chosen ? scoresOf(chosen.val) : empty,
    last: { test: last ? scoresOf(last.test) : empty, val: last ? scoresOf(last.val) : empty },
    fusion: { ...loop.method.fusion(opts.config), epoch: chosen ? chosen.epoch : 0 },
  };
}

function scoresOf(s: { fused: number; unimodal: Record<string, number>; macroF1: number }): SummaryScores {
  return { fused: s.fused, unimodal: s.unimodal, macroF1: s.macroF1 };
}

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { FusionRecord } from '../../../src/core/runs/types';
import type { HostToWebview } from '../../../src/protocol/dashboard';
import { api, runsOf, waitFor, writeConfig } from './support';
import { COMMANDS } from '../../../src/extension/commandIds';

type Posted<T extends HostToWebview['type']> = Extract<HostToWebview, { type: T }>;

describe('dashboard: fusion inspector', () => {
  it('sends fusion.jsonl with class names and re-evaluates a kept checkpoint with mla eval', async () => {
    const mla = await api();
    await vscode.commands.executeCommand(
      COMMANDS.train,
      writeConfig('it-fusion', { training: { epochs: 3 }, seeds: [0] }),
    );
    const run = await waitFor('the run to complete', () =>
      runsOf(mla, 'it-fusion').find((r) => r.summary !== null && r.status?.state === 'completed'),
    );
    await vscode.commands.executeCommand(COMMANDS.inspectFusion, { kind: 'run', run });
    const panel = await waitFor('the panel', () => mla.panels.get('fusion', [run.dir]));
    const first = (await waitFor('the fusion records', () =>
      panel.traffic.posted.find((m) => m.type === 'fusionRecords'),
    )) as Posted<'fusionRecords'>;
    const onDisk = fs
      .readFileSync(path.join(run.dir, 'fusion.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as FusionRecord);
    assert.equal(first.records.length, onDisk.length);
    assert.deepEqual(first.records[7], onDisk[7]);
    assert.equal(first.source.origin, 'fusion.jsonl');
    assert.equal(first.source.epoch, run.summary!.fusion.epoch);
    assert.equal(first.source.fusionType, 'entropy');
    assert.equal(first.source.perSample, true);
    assert.equal(first.source.classes.length, onDisk[0].fused.length);
    assert.ok(first.source.checkpoints.includes(run.summary!.bestEpoch));

    // Re-evaluating the best checkpoint reproduces fusion.jsonl.
    const best = run.summary!.bestEpoch;
    await panel.handleMessage({ type: 'evalCheckpoint', requestId: 1, runDir: run.dir, epoch: best });
    const progress = panel.traffic.posted.filter(
      (m): m is Posted<'evalProgress'> => m.type === 'evalProgress',
    );
    assert.ok(progress.every((m) => m.requestId === 1));
    assert.equal(progress[0].state, 'running');
    assert.equal(progress.at(-1)!.state, 'done', progress.at(-1)!.message);
    const evaluated = panel.traffic.posted.filter(
      (m): m is Posted<'fusionRecords'> => m.type === 'fusionRecords' && m.source.origin === 'eval',
    )[0];
    assert.ok(evaluated, 'the re-evaluated records are sent');
    assert.equal(evaluated.requestId, 1);
    assert.equal(evaluated.source.epoch, best);
    assert.equal(evaluated.records.length, onDisk.length);
    assert.equal(evaluated.records[7].prediction, onDisk[7].prediction);
    for (let c = 0; c < onDisk[7].fused.length; c++)
      assert.ok(Math.abs(evaluated.records[7].fused[c] - onDisk[7].fused[c]) < 1e-4);
    assert.ok(Math.abs(evaluated.source.scores!.test.fused - run.summary!.test.fused) < 1e-9);

    // An epoch without a kept checkpoint is refused; an evaluation can be cancelled.
    await panel.handleMessage({ type: 'evalCheckpoint', requestId: 2, runDir: run.dir, epoch: 999 });
    assert.ok(panel.traffic.posted.some((m) => m.type === 'notice' && /no kept checkpoint/.test(m.message)));
    const count = panel.traffic.posted.length;
    const pending = panel.handleMessage({
      type: 'evalCheckpoint',
      requestId: 3,
      runDir: run.dir,
      epoch: best,
    });
    await waitFor('the evaluation to start', () =>
      panel.traffic.posted.slice(count).some((m) => m.type === 'evalProgress' && m.state === 'running'),
    );
    await panel.handleMessage({ type: 'cancelEval', runDir: run.dir });
    await pending;
    const last = panel.traffic.posted
      .filter((m): m is Posted<'evalProgress'> => m.type === 'evalProgress')
      .at(-1)!;
    assert.equal(last.state, 'cancelled');
  });
});

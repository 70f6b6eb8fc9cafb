// The end of a seed group in the editor (src/extension/seedGroupNotice.ts): the CLI's summary line in the
// output channel and a notification with Compare Seeds and Open Dashboard; a failed seed is named with its
// reason. Real run folders, the vscode stand-in.

import { editor } from '../support/vscode';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type * as vscode from 'vscode';
import { seedGroupLine } from '../../src/core/runs/seed-line';
import { RunWriter } from '../../src/core/runs/writer';
import { announceSeedGroup } from '../../src/extension/seedGroupNotice';
import { COMMANDS } from '../../src/extension/commandIds';
import { tempDir } from '../support/training';
import { runConfig, status, summary } from './runs-fixtures';

let runsDir: string;
let logShown = 0;
const output = {
  appendLine: (line: string) => void editor.output.push(line),
  show: () => void logShown++,
} as unknown as vscode.OutputChannel;

function completed(seed: number, fused: number, a: number, b: number): string {
  const writer = RunWriter.create(runsDir, `run-s${seed}`, runConfig('fused-av', seed, 'g1'));
  writer.setStatus({ ...status('completed', process.pid), endedAt: '2026-01-01T00:10:00.000Z' });
  writer.writeSummary(summary(seed, fused, fused, { a, b }));
  writer.close();
  return writer.dir;
}

function failed(seed: number, error: string): string {
  const writer = RunWriter.create(runsDir, `run-s${seed}`, runConfig('fused-av', seed, 'g1'));
  writer.setStatus({ ...status('failed', process.pid), endedAt: '2026-01-01T00:10:00.000Z', error });
  writer.close();
  return writer.dir;
}

beforeEach(() => {
  editor.reset();
  runsDir = tempDir('seed-group');
});

afterEach(() => fs.rmSync(runsDir, { recursive: true, force: true }));

describe('seed group summary', () => {
  it('is one line, mean ± std of the test accuracies over the seeds', () => {
    const line = seedGroupLine(
      [summary(0, 0.97, 0.97, { a: 0.5 }), summary(1, 0.99, 0.99, { a: 0.54 })],
      ['a'],
    );
    // std of (0.97, 0.99) with n-1 = 0.01414; of (0.50, 0.54) = 0.02828.
    assert.equal(line, '2 seeds done: fused 98.0 ± 1.4%, a 52.0 ± 2.8%');
  });

  it('goes to the output channel and a notification whose Compare Seeds opens the comparison', async () => {
    const dirs = [
      completed(0, 0.97, 0.5, 0.6),
      completed(1, 0.98, 0.52, 0.62),
      completed(2, 0.99, 0.54, 0.64),
    ];
    editor.answers.push('Compare Seeds');
    await announceSeedGroup(dirs, output);
    const line = '3 seeds done: fused 98.0 ± 1.0%, a 52.0 ± 2.0%, b 62.0 ± 2.0%';
    assert.deepEqual(editor.output, [line]);
    assert.deepEqual(editor.messages, [
      { level: 'info', text: `MLA fused-av: ${line}`, items: ['Compare Seeds', 'Open Dashboard'] },
    ]);
    assert.equal(editor.commands.length, 1);
    assert.equal(editor.commands[0].id, COMMANDS.compareSeeds);
    const arg = editor.commands[0].args[0] as { kind: string; run: { dir: string } };
    assert.equal(arg.kind, 'run');
    assert.equal(arg.run.dir, dirs[0]);
  });

  it('names a failed seed and why, next to the seeds that finished', async () => {
    const dirs = [completed(0, 0.9, 0.5, 0.6), failed(1, 'loss became NaN at epoch 3')];
    editor.answers.push('Open Dashboard');
    await announceSeedGroup(dirs, output);
    const line =
      '1 seed done: fused 90.0%, a 50.0%, b 60.0%; fused-av seed 1 failed: loss became NaN at epoch 3';
    assert.deepEqual(editor.output, [line]);
    assert.equal(editor.messages[0].level, 'warning');
    assert.equal(editor.messages[0].text, `MLA fused-av: ${line}`);
    assert.deepEqual(editor.messages[0].items, ['Show Log', 'Compare Seeds', 'Open Dashboard']);
    assert.equal(editor.commands[0].id, COMMANDS.openDashboard);
  });

  it('offers the log, not a comparison, when no seed finished', async () => {
    logShown = 0;
    const dirs = [failed(0, 'out of memory'), failed(1, 'loss became NaN at epoch 3')];
    editor.answers.push('Show Log');
    await announceSeedGroup(dirs, output);
    assert.equal(
      editor.messages[0].text,
      'MLA fused-av: fused-av seed 0 failed: out of memory; fused-av seed 1 failed: loss became NaN at epoch 3',
    );
    assert.deepEqual(editor.messages[0].items, ['Show Log', 'Open Dashboard']);
    assert.equal(logShown, 1);
    assert.equal(editor.commands.length, 0);
  });
});

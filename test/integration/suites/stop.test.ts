import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { api, runsOf, waitFor, writeConfig } from './support';
import { COMMANDS } from '../../../src/extension/commandIds';

describe('Stop', () => {
  it('stops a long run gracefully: status stopped, a checkpoint written; Resume continues it', async () => {
    const mla = await api();
    const uri = writeConfig('it-stop', { training: { epochs: 100_000 }, seeds: [0] });
    await vscode.commands.executeCommand(COMMANDS.train, uri);
    const running = await waitFor('the run to finish an epoch', () =>
      runsOf(mla, 'it-stop').find((r) => r.status?.state === 'running' && r.epochs.length >= 1),
    );
    await vscode.commands.executeCommand(COMMANDS.stopRun, { kind: 'run', run: running });
    const stopped = await waitFor('the run to stop', () =>
      runsOf(mla, 'it-stop').find((r) => r.status?.state === 'stopped'),
    );
    // A stop lands between two batches, so its checkpoint carries the unfinished epoch's number, which no
    // finished epoch writes.
    const stoppedAt = stopped.status!.epoch;
    assert.ok(
      stopped.checkpoints.some((c) => c.epoch === stoppedAt + 1),
      `no checkpoint of the unfinished epoch ${stoppedAt + 1} after a stop at epoch ${stoppedAt}`,
    );
    assert.ok(fs.existsSync(path.join(stopped.dir, 'summary.json')));
    const rowsContext = stopped.checkpoints.map((c) => c.epoch);
    console.log(`    stopped after epoch ${stopped.status?.epoch}; checkpoints ${rowsContext.join(', ')}`);

    // Resume (from the explorer's context menu), then stop again.
    await vscode.commands.executeCommand(COMMANDS.resumeRun, { kind: 'run', run: stopped });
    const resumed = await waitFor('the resumed run to train an epoch more', () =>
      runsOf(mla, 'it-stop').find(
        (r) => r.status?.state === 'running' && r.epochs.length > stopped.epochs.length,
      ),
    );
    assert.equal(resumed.dir, stopped.dir);
    await vscode.commands.executeCommand(COMMANDS.stopRun, { kind: 'run', run: resumed });
    await waitFor('the resumed run to stop', () =>
      runsOf(mla, 'it-stop').find((r) => r.status?.state === 'stopped'),
    );
  });
});

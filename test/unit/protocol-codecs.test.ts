// The protocol's codecs: decoding rebuilds a value from the declared fields or names the first wrong one;
// trainer events are decoded whole; `mla eval --json` is checked; a TrainerLaunch survives its argv.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as c from '../../src/protocol/codec';
import { decodeEvalResult } from '../../src/protocol/evalResult';
import { decodeTrainerEvent, encodeTrainerEvent, type TrainerEvent } from '../../src/protocol/trainerEvents';
import { launchArgv, parseTrainArgv, type TrainerLaunch } from '../../src/protocol/trainerLaunch';
import { epochRecord, summary } from './runs-fixtures';

describe('codec', () => {
  const point = c.object({ x: c.number, label: c.optional(c.string), tags: c.array(c.literal('a', 'b')) });

  it('keeps declared fields only, leaves an absent optional one absent', () => {
    const decoded = c.decode(point, { x: 2.5, tags: ['a', 'b'], extra: true });
    assert.deepEqual(decoded, { ok: true, value: { x: 2.5, tags: ['a', 'b'] } });
    assert.deepEqual(c.decode(point, { x: 1, label: 'p', tags: [] }), {
      ok: true,
      value: { x: 1, label: 'p', tags: [] },
    });
  });

  it('names the JSON pointer of the first wrong value and what was expected', () => {
    const wrong = (value: unknown): string => {
      const decoded = c.decode(point, value);
      assert.equal(decoded.ok, false);
      return decoded.ok ? '' : decoded.error.message;
    };
    assert.equal(wrong({ x: Number.NaN, tags: [] }), '/x: expected a number');
    assert.equal(wrong({ x: 1, tags: ['a', 'c'] }), '/tags/1: expected one of "a", "b"');
    assert.equal(wrong({ x: 1, label: 3, tags: [] }), '/label: expected a string');
    assert.equal(wrong([1]), 'the value: expected an object');
    // A key with "/" is escaped in the pointer (RFC 6901).
    const map = c.decode(c.record(c.integer(1, 9)), { 'a/b': 10 });
    assert.equal(map.ok ? '' : map.error.message, '/a~1b: expected a whole number ≥ 1 and ≤ 9');
  });

  it('a tagged union refuses a type it does not declare', () => {
    const message = c.tagged({ ping: c.object({}), move: c.object({ to: c.integer(0) }) });
    assert.deepEqual(c.decode(message, { type: 'move', to: 3 }), {
      ok: true,
      value: { type: 'move', to: 3 },
    });
    const unknown = c.decode(message, { type: 'jump', to: 3 });
    assert.equal(unknown.ok ? '' : unknown.error.message, '/type: expected one of "ping", "move"');
  });
});

describe('trainer events', () => {
  it('round-trip every event the trainer writes', () => {
    const events: TrainerEvent[] = [
      { type: 'diagnostic', severity: 'warning', text: 'x.mla.json:3:5: warning: unused key' },
      { type: 'backend', name: 'wasm', tried: [{ name: 'tensorflow', ok: false, reason: 'not installed' }] },
      { type: 'run-started', runDir: '/runs/r', seed: 2 },
      { type: 'progress', runDir: '/runs/r', epoch: 1, epochs: 10, batch: 3, batches: 20 },
      { type: 'epoch', runDir: '/runs/r', record: epochRecord(4, 0.9) },
      {
        type: 'run-ended',
        runDir: '/runs/r',
        state: 'completed',
        summary: summary(2, 0.91, 0.9, { a: 0.8 }),
      },
      { type: 'run-ended', runDir: '/runs/r', state: 'failed', summary: null, error: 'out of memory' },
      { type: 'error', message: 'no such config' },
    ];
    for (const event of events) assert.deepEqual(decodeTrainerEvent(encodeTrainerEvent(event)), event);
  });

  it('decodes deeply: a wrong field anywhere makes the line plain log text', () => {
    const record = epochRecord(4, 0.9);
    const line = (value: unknown) => JSON.stringify(value);
    assert.equal(
      decodeTrainerEvent(line({ type: 'epoch', runDir: '/r', record: { ...record, epoch: 'four' } })),
      null,
    );
    assert.equal(
      decodeTrainerEvent(
        line({ type: 'epoch', runDir: '/r', record: { ...record, val: { ...record.val, fused: '1' } } }),
      ),
      null,
    );
    assert.equal(
      decodeTrainerEvent(line({ type: 'run-ended', runDir: '/r', state: 'exploded', summary: null })),
      null,
    );
    assert.equal(decodeTrainerEvent(line({ type: 'telemetry', runDir: '/r' })), null);
    assert.equal(decodeTrainerEvent('Platform node has already been set.'), null);
  });

  it('a figure JSON wrote as null (NaN, a diverged loss) comes back as NaN', () => {
    const record = { ...epochRecord(1, 0.5), lr: Number.NaN };
    const event = decodeTrainerEvent(encodeTrainerEvent({ type: 'epoch', runDir: '/r', record }));
    assert.ok(event?.type === 'epoch');
    assert.ok(Number.isNaN(event.record.lr));
    assert.equal(event.record.val.fused, 0.5);
  });
});

describe('mla eval --json', () => {
  const scores = { fused: 0.9, unimodal: { a: 0.8 }, macroF1: 0.88, loss: 0.3 };

  it('is decoded with its scores and output file', () => {
    const line = JSON.stringify({
      epoch: 7,
      partial: false,
      val: scores,
      test: scores,
      out: '/tmp/f.jsonl',
      order: ['a'],
    });
    assert.deepEqual(decodeEvalResult(line), {
      epoch: 7,
      partial: false,
      val: scores,
      test: scores,
      out: '/tmp/f.jsonl',
    });
  });

  it('a wrong line is an error naming the field', () => {
    const line = JSON.stringify({
      epoch: 7,
      partial: false,
      val: scores,
      test: { ...scores, unimodal: { a: 'x' } },
      out: '',
    });
    assert.throws(() => decodeEvalResult(line), {
      message: 'mla eval printed unexpected scores: /test/unimodal/a: expected a number',
    });
    assert.throws(() => decodeEvalResult('loading data…'), /its last line is not JSON/);
  });
});

describe('TrainerLaunch ⇄ argv', () => {
  it('what the extension spawns is what mla train reads', () => {
    const launches: TrainerLaunch[] = [
      {
        kind: 'train',
        configPath: '/w/a b.mla.json',
        seed: 3,
        runsDir: '/w/.mla/runs',
        group: '2026-01-01T00:00:00.000Z',
      },
      { kind: 'train', configPath: '/w/x.mla.json', seed: 0, runsDir: '/r', group: 'g', backend: 'cpu' },
      { kind: 'resume', runDir: '/w/.mla/runs/r1' },
    ];
    for (const launch of launches) {
      const [command, ...rest] = launchArgv(launch);
      assert.equal(command, 'train');
      const { values, positionals } = parseTrainArgv(rest);
      assert.equal(values.json, true);
      const back: TrainerLaunch =
        values.resume !== undefined
          ? { kind: 'resume', runDir: values.resume }
          : {
              kind: 'train',
              configPath: positionals[0],
              seed: Number(values.seed?.[0]),
              runsDir: values['runs-dir']!,
              group: values.group!,
              ...(values.backend !== undefined ? { backend: values.backend as 'cpu' } : {}),
            };
      assert.deepEqual(back, launch);
    }
  });
});

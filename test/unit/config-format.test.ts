import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatDiagnostic } from '../../src/core/config/format';
import {
  LineIndex,
  fromPointer,
  nodeAtPointer,
  parseStrictJson,
  toPointer,
} from '../../src/core/config/jsonText';
import { applyOverrides } from '../../src/core/config/overrides';
import { closest, editDistance } from '../../src/core/config/suggest';
import type { ResolvedConfig } from '../../src/core/config/types';
import { validateConfig } from '../../src/core/config/validate';

describe('formatDiagnostic', () => {
  test('prints file:line:col: severity: message with 1-based positions', () => {
    const line = formatDiagnostic('a/b.mla.json', {
      severity: 'warning',
      message: "unknown key 'x'",
      pointer: '/x',
      range: { start: { line: 2, character: 4 }, end: { line: 2, character: 7 } },
    });
    assert.equal(line, "a/b.mla.json:3:5: warning: unknown key 'x'");
  });

  test('matches what validateConfig reports for a bad value on line 3', async () => {
    const text = '{\n  "dataset": "d.json",\n  "backend": "cuda"\n}';
    const { diagnostics } = await validateConfig(text, '/nonexistent/x.mla.json', { checkDataset: false });
    const backend = diagnostics.find((d) => d.pointer === '/backend')!;
    assert.equal(
      formatDiagnostic('x.mla.json', backend),
      `x.mla.json:3:14: error: expected one of 'auto', 'tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu', found "cuda"`,
    );
  });
});

describe('jsonText helpers', () => {
  test('LineIndex handles LF, CRLF and CR line ends', () => {
    const index = new LineIndex('ab\r\ncd\ref\ngh');
    assert.deepEqual(index.position(0), { line: 0, character: 0 });
    assert.deepEqual(index.position(4), { line: 1, character: 0 });
    assert.deepEqual(index.position(7), { line: 2, character: 0 });
    assert.deepEqual(index.position(11), { line: 3, character: 1 });
    assert.deepEqual(index.range(1, 4), { start: { line: 0, character: 1 }, end: { line: 1, character: 1 } });
  });

  test('pointers escape ~ and / and find nodes in objects and arrays', () => {
    assert.equal(toPointer(['model', 'a/b', 'c~d', 2]), '/model/a~1b/c~0d/2');
    assert.deepEqual(fromPointer('/model/a~1b/c~0d/2'), ['model', 'a/b', 'c~d', '2']);
    const text = '{"model": {"a/b": [10, 20, 30]}}';
    const root = parseStrictJson(text).root!;
    const node = nodeAtPointer(root, '/model/a~1b/2')!;
    assert.equal(node.value, 30);
    assert.equal(text.slice(node.offset, node.offset + node.length), '30');
    assert.equal(nodeAtPointer(root, '/model/zzz'), undefined);
  });

  test('suggestions accept typos and reject unrelated words', () => {
    assert.equal(editDistance('featuredim', 'featureDim'), 0);
    assert.equal(editDistance('ordre', 'order'), 1);
    assert.equal(closest('batchsize', ['batchSize', 'epochs']), 'batchSize');
    assert.equal(closest('lerning', ['lr', 'optimizer']), null);
  });
});

describe('applyOverrides', () => {
  const base = {
    training: { epochs: 100 },
    backend: 'auto',
    seeds: [0, 1, 2],
  } as unknown as ResolvedConfig;

  test('replaces epochs, backend and seeds without touching the input', () => {
    const out = applyOverrides(base, { epochs: 3, backend: 'wasm', seeds: [7] });
    assert.equal(out.training.epochs, 3);
    assert.equal(out.backend, 'wasm');
    assert.deepEqual(out.seeds, [7]);
    assert.equal(base.training.epochs, 100);
    assert.deepEqual(applyOverrides(base, {}), base);
  });

  test('rejects bad values with a plain message', () => {
    assert.throws(() => applyOverrides(base, { epochs: 0 }), /epochs: expected an integer ≥ 1, found 0/);
    assert.throws(() => applyOverrides(base, { seeds: [-1] }), /seed: expected integers/);
    assert.throws(() => applyOverrides(base, { backend: 'gpu' as never }), /backend: expected one of/);
  });
});

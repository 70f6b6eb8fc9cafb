// The backend as the run explorer's tooltip and the dashboard header show it: the name config.json records,
// with the adapter of the attempt that was used ("webgpu · <adapter>").
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunInfo } from '../../src/core/runs/reader';
import { backendOf } from '../../src/extension/runView';

function runWith(
  run: { backend: string; backendsTried: { name: string; adapter?: string }[] } | null,
): RunInfo {
  const resolved =
    run === null
      ? null
      : { run: { ...run, backendsTried: run.backendsTried.map((t) => ({ ok: true, reason: '', ...t })) } };
  return { resolved, summary: null } as unknown as RunInfo;
}

test('a webgpu run shows its adapter; other backends and older records show the name alone', () => {
  const adapter = 'mesa · software · llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6)';
  assert.equal(
    backendOf(
      runWith({
        backend: 'webgpu',
        backendsTried: [{ name: 'tensorflow-gpu' }, { name: 'webgpu', adapter }, { name: 'wasm' }],
      }),
    ),
    `webgpu · ${adapter}`,
  );
  // wasm won the measurement: the webgpu attempt's adapter is not wasm's.
  assert.equal(
    backendOf(runWith({ backend: 'wasm', backendsTried: [{ name: 'webgpu', adapter }, { name: 'wasm' }] })),
    'wasm',
  );
  assert.equal(backendOf(runWith({ backend: 'cpu', backendsTried: [] })), 'cpu');
  assert.equal(backendOf(runWith(null)), 'unknown');
});

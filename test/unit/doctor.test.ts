// `mla doctor`: every backend listed with whether it loads, a real speed figure for each that does, and the
// WebGPU adapter (or the reason there is none), in text and as JSON.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnose, formatReport } from '../../src/trainer/commands/doctor';

test('doctor lists every backend, probes the ones that load and names the WebGPU adapter or why there is none', async () => {
  const report = await diagnose(800);
  assert.deepEqual(
    report.backends.map((b) => b.name),
    ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'],
  );
  const wasm = report.backends.find((b) => b.name === 'wasm')!;
  assert.equal(wasm.ok, true);
  assert.ok(wasm.speed!.matmulGflops > 0.1, `wasm matmul ${wasm.speed!.matmulGflops} GFLOP/s`);
  assert.ok([256, 512, 1024, 2048, 4096].includes(wasm.speed!.matmulSize));
  assert.ok(wasm.speed!.mlpStepMs > 0);
  for (const b of report.backends) {
    assert.ok(b.reason.length > 0, `${b.name} has a reason`);
    assert.equal(b.speed !== undefined || b.speedError !== undefined, b.ok, `${b.name}: probed iff it loads`);
  }
  if (report.webgpu.adapters.length === 0) assert.ok(report.webgpu.reason);
  for (const a of report.webgpu.adapters) {
    assert.ok(a.limits.maxStorageBufferBindingSize > 0);
    const webgpu = report.backends.find((b) => b.name === 'webgpu')!;
    // A software adapter is listed but refused (unless the override is set), naming it.
    if (a.software && process.env.MLA_WEBGPU_ALLOW_SOFTWARE !== '1') {
      assert.equal(webgpu.ok, false);
      assert.ok(webgpu.reason.includes(a.label), webgpu.reason);
    }
  }
  const text = formatReport(report);
  assert.match(text, /^ {2}wasm {11}loads: /m);
  assert.match(text, new RegExp(`matmul ${wasm.speed!.matmulGflops} GFLOP/s`));
  assert.match(text, /^WebGPU adapters:$/m);
  assert.deepEqual(JSON.parse(JSON.stringify(report)), report);
});

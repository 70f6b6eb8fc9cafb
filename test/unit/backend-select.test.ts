// Backend choice: `auto` degrades through the list and says why each step was skipped; an explicit choice that
// cannot load is an error naming the package and the reason.
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { probeCuda } from '../../src/core/backend/cuda';
import { AUTO_ORDER, selectBackend, tryBackend, type BackendLoader } from '../../src/core/backend/select';
import { wasmDistFolder } from '../../src/core/backend/wasm';

const localRequire = createRequire(path.join(process.cwd(), 'package.json'));

function installed(pkg: string): boolean {
  try {
    localRequire.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

const NATIVE_ABSENT = !installed('@tensorflow/tfjs-node') && !installed('@tensorflow/tfjs-node-gpu');

test('auto tries libtensorflow with CUDA, libtensorflow, wasm, cpu in that order and reports each attempt', async () => {
  const selection = await selectBackend('auto');
  assert.deepEqual(AUTO_ORDER, ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
  const taken = selection.tried[selection.tried.length - 1];
  assert.equal(taken.name, selection.name);
  assert.ok(taken.ok);
  assert.ok(selection.tried.slice(0, -1).every((t) => !t.ok));
  assert.deepEqual(
    selection.tried.map((t) => t.name),
    AUTO_ORDER.slice(0, selection.tried.length),
  );
  if (NATIVE_ABSENT) {
    // The usual case here (docs/architecture.md, the compute platform): both optional packages were dropped by npm.
    assert.equal(selection.name, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
    assert.match(
      selection.tried[0].reason,
      /^@tensorflow\/tfjs-node-gpu: not installed \(optional dependency; its install needs to download libtensorflow\); CUDA (not )?found/,
    );
    assert.equal(
      selection.tried[1].reason,
      '@tensorflow/tfjs-node: not installed (optional dependency; its install needs to download libtensorflow)',
    );
    assert.match(selection.tried[2].reason, /tfjs-backend-wasm.*Conv2DBackpropFilter/);
  } else {
    assert.equal(tf.getBackend(), selection.name === 'tensorflow-gpu' ? 'tensorflow' : selection.name);
  }
});

test('an explicit choice that cannot load is an error naming what failed and why', async (t) => {
  if (NATIVE_ABSENT) {
    await assert.rejects(selectBackend('tensorflow'), {
      message:
        "Backend 'tensorflow' is not available: @tensorflow/tfjs-node: not installed (optional dependency; its install needs to download libtensorflow)",
    });
    await assert.rejects(
      selectBackend('tensorflow-gpu'),
      /^Error: Backend 'tensorflow-gpu' is not available: @tensorflow\/tfjs-node-gpu: not installed/,
    );
  } else {
    t.diagnostic('a libtensorflow package is installed: checking that it loads instead');
    const selection = await selectBackend('tensorflow');
    assert.equal(selection.name, 'tensorflow');
  }
});

test('explicit wasm and cpu load, and the wasm training kernels are registered', async () => {
  const wasm = await selectBackend('wasm');
  assert.deepEqual(
    wasm.tried.map((t) => [t.name, t.ok]),
    [['wasm', true]],
  );
  assert.equal(tf.getBackend(), 'wasm');
  for (const kernel of [tf.Conv2DBackpropFilter, tf.UnsortedSegmentSum, tf.MaxPoolGrad, tf.BatchMatMul]) {
    assert.ok(tf.getKernel(kernel, 'wasm'), kernel);
  }
  const cpu = await selectBackend('cpu');
  assert.equal(cpu.name, 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
  await selectBackend('wasm');
  assert.equal(tf.getBackend(), 'wasm');
});

test('auto degrades to the plain cpu backend when wasm fails too, and records every reason', async () => {
  const attempted: string[] = [];
  // The real loader for cpu; everything before it fails as it would on a machine without it.
  const load: BackendLoader = async (name) => {
    attempted.push(name);
    return name === 'cpu' ? tryBackend(name) : { ok: false, reason: `${name} refused by the test` };
  };
  const selection = await selectBackend('auto', { load });
  assert.deepEqual(attempted, [...AUTO_ORDER]);
  assert.equal(selection.name, 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
  assert.deepEqual(
    selection.tried.map((t) => [t.name, t.ok]),
    AUTO_ORDER.map((name) => [name, name === 'cpu']),
  );
  assert.equal(selection.tried.find((t) => t.name === 'wasm')?.reason, 'wasm refused by the test');
  assert.match(selection.tried.at(-1)!.reason, /plain JavaScript backend/);
  await assert.rejects(selectBackend('wasm', { load }), {
    message: "Backend 'wasm' is not available: wasm refused by the test",
  });
  const none: BackendLoader = async (name) => ({ ok: false, reason: `no ${name}` });
  await assert.rejects(selectBackend('auto', { load: none }), {
    message: `No backend could be loaded: ${AUTO_ORDER.map((n) => `${n}: no ${n}`).join('; ')}`,
  });
  await selectBackend('wasm');
  assert.equal(tf.getBackend(), 'wasm');
});

test('the .wasm files are found in the package dist folder', () => {
  const dist = wasmDistFolder();
  assert.ok(dist !== null);
  assert.equal(path.basename(dist), 'dist');
  assert.ok(existsSync(path.join(dist, 'tfjs-backend-wasm-simd.wasm')));
});

test('probeCuda finds the CUDA 11 runtime and cuDNN 8 where LD_LIBRARY_PATH points, and names what is missing', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mla-cuda-'));
  try {
    writeFileSync(path.join(dir, 'libcudart.so.11.0'), '');
    const partial = probeCuda({ LD_LIBRARY_PATH: dir }, []);
    assert.equal(partial.found, false);
    assert.equal(partial.detail, `CUDA not found (no libcudnn.so.8 in ${dir})`);
    writeFileSync(path.join(dir, 'libcudnn.so.8.1.0'), '');
    const full = probeCuda({ LD_LIBRARY_PATH: dir }, []);
    assert.equal(full.found, true);
    assert.equal(
      full.detail,
      `CUDA found (${path.join(dir, 'libcudart.so.11.0')}, ${path.join(dir, 'libcudnn.so.8.1.0')})`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

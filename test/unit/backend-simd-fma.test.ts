// The relaxed-SIMD FMA variant of the wasm kernels (kernels/simd-variant.ts): how MLA_WASM_FMA and the engine
// decide it, which Node flags trainer processes get, and the FMA gemm against a float64 reference. FMA rounds
// each multiply-add once, so it cannot match the ordered float32 loop bit for bit; the bound it meets is the
// dot-product one: |ĉ − c| ≤ γ(K+1)·Σ|a·b| with γ(n) = n·u/(1 − n·u), u = 2⁻²⁴ (K + 1 also covers the scalar
// last columns, which round product and sum apart). Where this Node lacks relaxed SIMD but takes the flag, the
// file runs itself again under it; where neither, the FMA tests are skipped with the reason.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { assembleGemmModule } from '../../src/core/backend/kernels/simd-gemm';
import { assembleSimdModule } from '../../src/core/backend/kernels/simd-loops';
import {
  chooseSimdVariant,
  fmaOverride,
  probeRelaxedSimd,
  simdVariant,
} from '../../src/core/backend/kernels/simd-variant';
import { RELAXED_SIMD_FLAG, relaxedSimdFlags } from '../../src/core/backend/relaxed-simd-flags';
import { commandLine } from '../../src/extension/spawnNode';

const BIN = path.join(__dirname, '..', '..', 'bin', 'mla.js');

const FUSES = { validates: true, fuses: true };
const LOWERED = { validates: true, fuses: false };
const ABSENT = { validates: false, fuses: false };

describe('MLA_WASM_FMA and the engine choose the kernels variant', () => {
  test('FMA unless turned off, offered and really fused', () => {
    assert.equal(chooseSimdVariant({}, FUSES).name, 'fma');
    assert.equal(chooseSimdVariant({ MLA_WASM_FMA: '' }, FUSES).name, 'fma');
    assert.equal(chooseSimdVariant({ MLA_WASM_FMA: 'on' }, FUSES).name, 'fma');
    assert.equal(chooseSimdVariant({ MLA_WASM_FMA: 'off' }, FUSES).name, 'plain');
    assert.equal(chooseSimdVariant({}, ABSENT).name, 'plain');
    assert.equal(chooseSimdVariant({ MLA_WASM_FMA: 'on' }, ABSENT).name, 'plain');
    assert.equal(chooseSimdVariant({ MLA_WASM_FMA: 'on' }, LOWERED).name, 'plain');
  });

  test('the reason says which variant ran and why', () => {
    assert.match(
      chooseSimdVariant({}, FUSES).reason,
      /^relaxed-SIMD FMA kernels \(the default; MLA_WASM_FMA=off/,
    );
    assert.match(
      chooseSimdVariant({ MLA_WASM_FMA: 'on' }, FUSES).reason,
      /^relaxed-SIMD FMA kernels \(MLA_WASM_FMA=on/,
    );
    assert.match(
      chooseSimdVariant({ MLA_WASM_FMA: 'off' }, FUSES).reason,
      /^plain SIMD kernels \(MLA_WASM_FMA=off\)/,
    );
    assert.match(
      chooseSimdVariant({ MLA_WASM_FMA: 'on' }, ABSENT).reason,
      /on, but this runtime lacks relaxed SIMD.*--experimental-wasm/,
    );
    assert.match(chooseSimdVariant({}, LOWERED).reason, /separate multiply and add/);
  });

  test('a value other than on or off is refused, naming the variable', () => {
    assert.throws(
      () => fmaOverride({ MLA_WASM_FMA: 'yes' }),
      /MLA_WASM_FMA: expected on or off, found "yes"/,
    );
  });
});

describe('trainer processes get the relaxed-SIMD flag where the runtime takes it', () => {
  test('Node 20 and 21 get the flag; 22 (on by default) and unknown versions do not', () => {
    assert.deepEqual(relaxedSimdFlags('v20.20.2'), [RELAXED_SIMD_FLAG]);
    assert.deepEqual(relaxedSimdFlags('21.7.3'), [RELAXED_SIMD_FLAG]);
    assert.deepEqual(relaxedSimdFlags('v22.12.0'), []);
    assert.deepEqual(relaxedSimdFlags('v18.19.0'), []);
    assert.deepEqual(relaxedSimdFlags('unknown'), []);
  });

  test("the extension's trainer command line carries the flag for its runtime's version", () => {
    const runtime = (version: string) => ({ command: 'node', env: {}, version, source: 'path' as const });
    assert.equal(
      commandLine(runtime('v20.11.0'), 'trainer.js', ['train', 'a.mla.json']),
      `node ${RELAXED_SIMD_FLAG} trainer.js train a.mla.json`,
    );
    assert.equal(commandLine(runtime('v22.3.0'), 'trainer.js', ['train']), 'node trainer.js train');
  });

  test('`mla` started without the flag picks the SIMD variant it gets under the flag (mla doctor says which)', () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.MLA_WASM_FMA;
    const variant = (flags: string[]) => {
      const run = spawnSync(process.execPath, [...flags, BIN, 'doctor'], { encoding: 'utf8', env });
      assert.equal(run.status, 0, run.stderr);
      return /(relaxed-SIMD FMA|plain SIMD) kernels/.exec(run.stdout)?.[0];
    };
    const plainStart = variant([]);
    assert.ok(plainStart, 'mla doctor names the SIMD variant of the wasm kernels');
    assert.equal(plainStart, variant(relaxedSimdFlags(process.version)));
  });

  test('this Node starts with the flags it is given', () => {
    const run = spawnSync(process.execPath, [...relaxedSimdFlags(process.version), '-e', '0']);
    assert.equal(run.status, 0, run.stderr.toString());
  });
});

const support = probeRelaxedSimd();
const rerunUnderFlag = !support.validates && relaxedSimdFlags(process.version).length > 0;
const fmaSkip = support.validates
  ? support.fuses
    ? false
    : 'this engine lowers relaxed_madd to a separate multiply and add, so the FMA kernels are never chosen'
  : rerunUnderFlag
    ? `checked in a child process under ${RELAXED_SIMD_FLAG} (the test below)`
    : `Node ${process.version} has no relaxed SIMD and does not take ${RELAXED_SIMD_FLAG}`;

if (rerunUnderFlag) {
  test(`the FMA tests pass under ${RELAXED_SIMD_FLAG}`, () => {
    // Without NODE_TEST_CONTEXT the child reports in TAP rather than to this runner.
    const childEnv: NodeJS.ProcessEnv = { ...process.env };
    delete childEnv.NODE_TEST_CONTEXT;
    delete childEnv.MLA_WASM_FMA;
    const child = spawnSync(
      process.execPath,
      [RELAXED_SIMD_FLAG, '--import', 'tsx', '--test', '--test-reporter', 'tap', __filename],
      { encoding: 'utf8', env: childEnv },
    );
    assert.equal(child.status, 0, child.stdout + child.stderr);
    // The FMA tests ran there rather than being passed over.
    assert.doesNotMatch(child.stdout, /# SKIP/);
    assert.match(child.stdout, /\nok \d+ - FMA gemm within the dot-product bound/);
    assert.match(child.stdout, /ok \d+ - A·B: every tile shape and tail/);
  });
}

type Gemm = (a: number, b: number, c: number, m: number, k: number, n: number) => void;
interface WasmApi {
  Memory: new (d: { initial: number }) => { buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
  validate(bytes: Uint8Array): boolean;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** The FMA gemm on a memory of its own; `run` writes operands into the heap and returns C. */
function fmaGemm(transA: boolean): { heap: Float32Array; gemm: Gemm } {
  const memory = new wasm.Memory({ initial: 16 });
  const exports = new wasm.Instance(new wasm.Module(assembleGemmModule('fma')), { env: { memory } })
    .exports as Record<string, Gemm>;
  return { heap: new Float32Array(memory.buffer), gemm: transA ? exports.gemmTN : exports.gemmNN };
}

const U = 2 ** -24;
const gamma = (n: number) => (n * U) / (1 - n * U);

describe('FMA gemm within the dot-product bound of a float64 reference', { skip: fmaSkip }, () => {
  test('this process chooses FMA by default (MLA_WASM_FMA unset)', () => {
    delete process.env.MLA_WASM_FMA;
    assert.equal(simdVariant().name, 'fma');
  });

  test('the FMA modules validate', () => {
    assert.ok(wasm.validate(assembleGemmModule('fma')));
    assert.ok(wasm.validate(assembleSimdModule('fma')));
  });

  for (const transA of [false, true]) {
    test(`${transA ? 'Aᵀ·B' : 'A·B'}: every tile shape and tail, K up to 300`, () => {
      const { heap, gemm } = fmaGemm(transA);
      let worst = 0;
      let checked = 0;
      for (const m of [1, 3, 4, 6, 9]) {
        for (const k of [1, 7, 64, 300]) {
          for (const n of [1, 4, 8, 13, 20]) {
            const a = Float32Array.from({ length: m * k }, (_, i) => Math.sin(i * 0.613 + m) * 1.7);
            const b = Float32Array.from({ length: k * n }, (_, i) => Math.cos(i * 0.271 + n) * 0.9);
            heap.set(a, 0);
            heap.set(b, m * k);
            const c = m * k + k * n;
            gemm(0, 4 * m * k, 4 * c, m, k, n);
            for (let i = 0; i < m; i++) {
              for (let j = 0; j < n; j++) {
                let exact = 0;
                let magnitude = 0;
                for (let p = 0; p < k; p++) {
                  const product = (transA ? a[p * m + i] : a[i * k + p]) * b[p * n + j];
                  exact += product;
                  magnitude += Math.abs(product);
                }
                const error = Math.abs(heap[c + i * n + j] - exact);
                assert.ok(
                  error <= gamma(k + 1) * magnitude,
                  `M ${m} K ${k} N ${n} (${i}, ${j}): error ${error}`,
                );
                worst = Math.max(worst, error / (gamma(k + 1) * magnitude));
                checked++;
              }
            }
          }
        }
      }
      assert.ok(checked > 1000);
      assert.ok(worst > 0, 'some element differs from the exact sum, so the check can fail');
    });
  }

  test('vector columns round the multiply-add once; the scalar last column twice', () => {
    // C = −1·1 + (1 + 2⁻²³)(1 − 2⁻²³): fused, −2⁻⁴⁶; rounding the product first gives 1 − 1 = 0.
    const e = 2 ** -23;
    const { heap, gemm } = fmaGemm(false);
    const [k, n] = [2, 9];
    heap.set([-1, 1 + e], 0);
    heap.set([...Array<number>(n).fill(1), ...Array<number>(n).fill(1 - e)], k);
    gemm(0, 4 * k, 4 * (k + k * n), 1, k, n);
    const row = Array.from(heap.subarray(k + k * n, k + k * n + n));
    assert.deepEqual(row, [...Array<number>(8).fill(-(2 ** -46)), 0]);
  });
});

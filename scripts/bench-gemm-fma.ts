// GFLOP/s of the SIMD gemm (src/core/backend/kernels/simd-gemm.ts) assembled plain and with relaxed-SIMD FMA,
// per product shape, the two timed in alternation in one process so machine load hits both alike.
// Prints the median of the rounds. Needs relaxed SIMD (Node 20: the flag below; Node 22: on by default).
//   node --experimental-wasm-relaxed-simd --import tsx scripts/bench-gemm-fma.ts [rounds]
import { assembleGemmModule } from '../src/core/backend/kernels/simd-gemm';
import { probeRelaxedSimd, type SimdVariantName } from '../src/core/backend/kernels/simd-variant';

type Gemm = (a: number, b: number, c: number, m: number, k: number, n: number) => void;

/** [M, K, N, A transposed]: the handwritten MLPs' forward and backward products, then larger ones. */
const SHAPES: [number, number, number, boolean][] = [
  [64, 240, 256, false],
  [240, 64, 256, true],
  [64, 256, 128, false],
  [256, 64, 128, true],
  [64, 128, 10, false],
  [256, 256, 256, false],
  [1024, 288, 64, false],
  [256, 512, 512, false],
];

/** The engine's WebAssembly API (the project's type libraries do not declare it). */
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
interface WasmApi {
  Memory: new (d: { initial: number }) => { buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}

const memory = new wasm.Memory({ initial: 1024 });
function gemmOf(variant: SimdVariantName, transA: boolean): Gemm {
  const module = new wasm.Module(assembleGemmModule(variant));
  const exports = new wasm.Instance(module, { env: { memory } }).exports as Record<string, Gemm>;
  return transA ? exports.gemmTN : exports.gemmNN;
}

function gflops(gemm: Gemm, m: number, k: number, n: number): number {
  const flops = 2 * m * k * n;
  const reps = Math.max(5, Math.round(2e8 / flops));
  const [a, b, c] = [0, 4 * m * k, 4 * (m * k + k * n)];
  gemm(a, b, c, m, k, n);
  const start = performance.now();
  for (let r = 0; r < reps; r++) gemm(a, b, c, m, k, n);
  return flops / ((performance.now() - start) / reps) / 1e6;
}

const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

function main(): void {
  if (!probeRelaxedSimd().validates)
    throw new Error('No relaxed SIMD here: run with node --experimental-wasm-relaxed-simd (Node 20).');
  const rounds = Number(process.argv[2] ?? 7);
  const heap = new Float32Array(memory.buffer);
  for (let i = 0; i < heap.length; i++) heap[i] = Math.sin(i * 0.37);
  console.log(
    `product                 plain GFLOP/s   FMA GFLOP/s   FMA/plain   (median of ${rounds} rounds)`,
  );
  for (const [m, k, n, transA] of SHAPES) {
    const plain = gemmOf('plain', transA);
    const fma = gemmOf('fma', transA);
    const [p, f]: [number[], number[]] = [[], []];
    for (let r = 0; r < rounds; r++) {
      p.push(gflops(plain, m, k, n));
      f.push(gflops(fma, m, k, n));
    }
    const name = `${m}×${k}·${k}×${n}${transA ? ' (Aᵀ)' : ''}`;
    const [mp, mf] = [median(p), median(f)];
    console.log(
      `${name.padEnd(24)}${mp.toFixed(1).padStart(15)}${mf.toFixed(1).padStart(14)}${(mf / mp).toFixed(2).padStart(12)}`,
    );
  }
}

main();

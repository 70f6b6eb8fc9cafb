// Epoch time of a config on wasm with one of the project's speed-ups on and off, in one training run: the
// switch flips at every epoch boundary, so both sides share the machine's load (these machines are shared and
// noisy; two separate runs differ by more than most changes). Prints the median CPU and wall ms per epoch of
// each side (epoch 1, the warm-up, left out), the first epoch after it with the speed-up on.
//   node --import tsx scripts/bench-epochs-ab.ts CONFIG SWITCH [epochs]
// SWITCH: conv-gemm (the convolutions on the strided SIMD gemm, kernels/conv-gemm.ts, against XNNPACK and the
// stock kernels), hgm (HGM's projector update on the heap, kernels/hgm-update.ts, against its JS loop), gelu,
// layer-norm or bias-relu (the fused GELU, LayerNorm or bias + ReLU, kernels/gelu.ts, layer-norm.ts and
// bias-relu.ts, against the same composed of stock ops), or stock:NAME[,NAME…] (the project's wasm kernels
// NAME against the stock ones they wrap, kernels/register.ts), e.g. stock:Identity, or threads:N (the
// kernels on N threads against 1; BENCH_MIN_WORK=W spreads products from W multiply-adds). Compare wall for
// threads: their CPU time adds up across threads.
import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { setConvGemm } from '../src/core/backend/kernels/conv-gemm';
import { setParallelMinWork } from '../src/core/backend/kernels/gemm-strided';
import { setKernelThreads } from '../src/core/backend/kernels/kernel-threads';
import { setWasmThreads } from '../src/core/backend/threads';
import { setHgmUpdateKernel } from '../src/core/backend/kernels/hgm-update';
import { registerFusedBiasRelu, unregisterFusedBiasRelu } from '../src/core/backend/kernels/bias-relu';
import { registerFusedGelu, unregisterFusedGelu } from '../src/core/backend/kernels/gelu';
import { registerFusedLayerNorm, unregisterFusedLayerNorm } from '../src/core/backend/kernels/layer-norm';
import { stockWasmKernel } from '../src/core/backend/kernels/register';
import { selectBackend } from '../src/core/backend/select';
import { startRun } from '../src/core/train/runner';
import { configWith } from './bench/config-with';
import { median } from './bench/stats';

/** N of a threads:N switch, or null for the other switches. */
function threadsOf(spec: string): number | null {
  return spec.startsWith('threads:') ? Number(spec.slice('threads:'.length)) : null;
}

/** A function that puts the speed-up on (true) or off (false). */
function speedUpSwitch(spec: string): (on: boolean) => void {
  if (spec === 'conv-gemm') return setConvGemm;
  if (spec === 'hgm') return setHgmUpdateKernel;
  if (spec === 'gelu') {
    return (on) => (on ? registerFusedGelu(tf.backend() as BackendWasm) : unregisterFusedGelu());
  }
  if (spec === 'layer-norm') return (on) => (on ? registerFusedLayerNorm() : unregisterFusedLayerNorm());
  if (spec === 'bias-relu') return (on) => (on ? registerFusedBiasRelu() : unregisterFusedBiasRelu());
  const threads = threadsOf(spec);
  if (threads !== null) return (on) => setKernelThreads(on ? threads : 1);
  if (!spec.startsWith('stock:'))
    throw new Error(
      `SWITCH: expected conv-gemm, hgm, gelu, layer-norm, bias-relu, threads:N or stock:NAME[,NAME…]; got "${spec}"`,
    );
  const kernels = spec
    .slice('stock:'.length)
    .split(',')
    .map((name) => {
      const stock = stockWasmKernel(name);
      const ours = tf.getKernel(name, 'wasm');
      if (!stock || !ours) throw new Error(`SWITCH: no project wasm kernel '${name}' wraps a stock one`);
      return { name, stock, ours };
    });
  return (on) => {
    for (const k of kernels) {
      tf.unregisterKernel(k.name, 'wasm');
      tf.registerKernel(on ? k.ours : k.stock);
    }
  };
}

async function main(): Promise<void> {
  const [configFile, spec, epochsArg] = process.argv.slice(2);
  if (!configFile || !spec) throw new Error('usage: bench-epochs-ab.ts CONFIG SWITCH [epochs]');
  const epochs = Number(epochsArg ?? 9);
  const config = await configWith(configFile, { epochs });
  const threads = threadsOf(spec);
  if (threads !== null) {
    // The threaded build loads only when the backend is selected with more than one thread.
    setWasmThreads({ count: threads, why: 'the benchmark' });
    if (process.env.BENCH_MIN_WORK) setParallelMinWork(Number(process.env.BENCH_MIN_WORK));
  }
  const backend = await selectBackend('wasm');
  const setOn = speedUpSwitch(spec);
  const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-epochs-ab-'));
  const times = {
    on: { cpu: [] as number[], wall: [] as number[] },
    off: { cpu: [] as number[], wall: [] as number[] },
  };
  let on = true;
  let cpu = process.cpuUsage();
  let wall = performance.now();
  try {
    const outcome = await startRun({
      config,
      configFile,
      seed: 0,
      runsDir: runs,
      backend,
      hooks: {
        shouldStop: () => false,
        onEpoch: (r) => {
          const used = process.cpuUsage(cpu);
          const now = performance.now();
          if (r.epoch > 1) {
            const side = on ? times.on : times.off;
            side.cpu.push((used.user + used.system) / 1000);
            side.wall.push(now - wall);
            on = !on;
            setOn(on);
          }
          cpu = process.cpuUsage();
          wall = performance.now();
        },
      },
    });
    if (outcome.state !== 'completed') throw new Error(outcome.error);
  } finally {
    setOn(true);
    fs.rmSync(runs, { recursive: true, force: true });
  }
  console.log(
    `${spec}: ms per epoch, median of ${times.on.cpu.length} + ${times.off.cpu.length} alternating epochs (wasm)`,
  );
  console.log(`              on       off    off/on`);
  for (const key of ['cpu', 'wall'] as const) {
    const [a, b] = [median(times.on[key]), median(times.off[key])];
    console.log(
      `${key.padEnd(8)}${a.toFixed(0).padStart(8)}${b.toFixed(0).padStart(10)}${(b / a).toFixed(2).padStart(9)}×`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});

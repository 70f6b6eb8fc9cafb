// Where an epoch's time goes: per-kernel time, engine dispatch, and the rest, for a config on a backend.
//   node --import tsx scripts/bench/profile-mla.ts CONFIG [epochs] [backend] [method]
// BENCH_STOCK=Sum,Mean puts the stock wasm kernels back in place of the project's wrappers (before/after figures).
import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stockWasmKernel } from '../../src/core/backend/kernels/register';
import { selectBackend } from '../../src/core/backend/select';
import type { BackendName } from '../../src/core/config/types';
import { startRun } from '../../src/core/train/runner';
import { configWith } from './config-with';
import { installKernelTimer } from './kernel-timer';

async function main(): Promise<void> {
  const [configFile, epochsArg, backendArg, method] = process.argv.slice(2);
  const epochs = Number(epochsArg ?? 4);
  const backendName = (backendArg ?? 'wasm') as BackendName;
  const config = await configWith(configFile, { epochs, method });
  const backend = await selectBackend(backendName);
  for (const name of (process.env.BENCH_STOCK ?? '').split(',').filter((k) => k !== '')) {
    const stock = stockWasmKernel(name);
    if (backendName !== 'wasm' || !stock)
      throw new Error(`BENCH_STOCK: no stock wasm kernel '${name}' wrapped`);
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(stock);
  }
  const timer = installKernelTimer(backendName);
  const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-profile-'));
  let last = 0;
  let wall = 0;
  let train = 0;
  const outcome = await startRun({
    config,
    configFile,
    seed: 0,
    runsDir: runs,
    backend,
    hooks: {
      shouldStop: () => false,
      onEpoch: (r) => {
        const now = performance.now();
        if (r.epoch === 1) timer.reset();
        else {
          wall += now - last;
          train += r.seconds * 1000;
        }
        last = now;
      },
    },
  });
  if (outcome.state !== 'completed') throw new Error(outcome.error);
  const n = epochs - 1;
  const k = timer.kernelMs();
  const d = timer.dispatchMs();
  console.log(
    `per epoch (mean of epochs 2..${epochs}): wall ${(wall / n).toFixed(1)} ms, train loop ${(train / n).toFixed(1)} ms`,
  );
  console.log(
    `  kernels ${(k / n).toFixed(1)} ms, engine dispatch ${((d - k) / n).toFixed(1)} ms, rest ${((wall - d) / n).toFixed(1)} ms`,
  );
  for (const s of timer.stats().slice(0, 25)) {
    console.log(
      `  ${s.name.padEnd(24)} ${(s.calls / n).toFixed(0).padStart(6)} calls ${(s.ms / n).toFixed(2).padStart(8)} ms  ${((1000 * s.ms) / s.calls).toFixed(1).padStart(7)} µs/call`,
    );
  }
  fs.rmSync(runs, { recursive: true, force: true });
}

void main();

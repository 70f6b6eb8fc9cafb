// Epoch time of a config on wasm with the convolutions on the strided SIMD gemm and without it, in one
// training run: the kernels switch at every epoch boundary (src/core/backend/kernels/conv-gemm.ts), so both
// sides share the machine's load. Prints the median CPU and wall ms per epoch of each side (epoch 1, the
// warm-up, left out), the first epoch after it with the gemm on.
//   node --import tsx scripts/bench-conv-epochs.ts CONFIG [epochs]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setConvGemm } from '../src/core/backend/kernels/conv-gemm';
import { selectBackend } from '../src/core/backend/select';
import { validateConfig } from '../src/core/config/validate';
import { startRun } from '../src/core/train/runner';
import { median } from './bench/stats';

async function main(): Promise<void> {
  const [configFile, epochsArg] = process.argv.slice(2);
  if (!configFile) throw new Error('usage: bench-conv-epochs.ts CONFIG [epochs]');
  const epochs = Number(epochsArg ?? 9);
  const raw = JSON.parse(fs.readFileSync(configFile, 'utf8')) as { training: Record<string, unknown> };
  raw.training.epochs = epochs;
  const result = await validateConfig(JSON.stringify(raw), path.resolve(configFile));
  if (!result.config) throw new Error(JSON.stringify(result.diagnostics));
  const backend = await selectBackend('wasm');
  const runs = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-conv-epochs-'));
  const times = {
    gemm: { cpu: [] as number[], wall: [] as number[] },
    before: { cpu: [] as number[], wall: [] as number[] },
  };
  let gemmOn = true;
  let cpu = process.cpuUsage();
  let wall = performance.now();
  try {
    const outcome = await startRun({
      config: result.config,
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
            const side = gemmOn ? times.gemm : times.before;
            side.cpu.push((used.user + used.system) / 1000);
            side.wall.push(now - wall);
            gemmOn = !gemmOn;
            setConvGemm(gemmOn);
          }
          cpu = process.cpuUsage();
          wall = performance.now();
        },
      },
    });
    if (outcome.state !== 'completed') throw new Error(outcome.error);
  } finally {
    setConvGemm(true);
    fs.rmSync(runs, { recursive: true, force: true });
  }
  const { gemm, before } = times;
  console.log(`ms per epoch, median of ${gemm.cpu.length} + ${before.cpu.length} alternating epochs (wasm)`);
  console.log(`            gemm    before   before/gemm`);
  for (const key of ['cpu', 'wall'] as const) {
    const [g, b] = [median(gemm[key]), median(before[key])];
    console.log(
      `${key.padEnd(8)}${g.toFixed(0).padStart(8)}${b.toFixed(0).padStart(10)}${(b / g).toFixed(2).padStart(13)}×`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});

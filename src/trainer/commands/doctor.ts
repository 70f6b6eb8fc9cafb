// `mla doctor`: what this machine can train on. Each backend (loads, or the one-line reason it does not), the
// WebGPU adapters with their key limits, and a speed probe of each backend that loads (about five seconds in
// all: matmul GFLOP/s and the step time of a small MLP), so a user can see what `auto` would weigh.
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { selectBackend } from '../../core/backend/select';
import { probeSpeed, type SpeedFigures } from '../../core/backend/speed-probe';
import { listWebgpuAdapters, type AdapterReport } from '../../core/backend/webgpu';
import type { BackendName } from '../../core/config/types';
import { DOCTOR_HELP } from '../usage';

const BACKENDS: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'];
const PROBE_BUDGET_MS = 5000;

interface BackendReport {
  name: BackendName;
  ok: boolean;
  reason: string;
  adapter?: string;
  speed?: SpeedFigures;
  /** Why the speed probe failed where the backend loaded. */
  speedError?: string;
}

export interface DoctorReport {
  node: string;
  tfjs: string;
  backends: BackendReport[];
  webgpu: { adapters: AdapterReport[]; reason: string | null };
}

export async function doctorCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean', default: false },
      budget: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(DOCTOR_HELP);
    return 0;
  }
  const budget = values.budget !== undefined ? Number(values.budget) * 1000 : PROBE_BUDGET_MS;
  if (!Number.isFinite(budget) || budget <= 0)
    throw new Error(`--budget: expected seconds > 0, found "${values.budget}"`);
  const report = await diagnose(budget, (line) => {
    if (!values.json) process.stderr.write(line);
  });
  if (values.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else process.stdout.write(formatReport(report));
  return report.backends.some((b) => b.ok) ? 0 : 1;
}

export async function diagnose(
  budgetMs: number,
  progress: (line: string) => void = () => {},
): Promise<DoctorReport> {
  const backends: BackendReport[] = [];
  for (const name of BACKENDS) {
    try {
      const selection = await selectBackend(name);
      const attempt = selection.tried[0];
      backends.push({
        name,
        ok: true,
        reason: attempt.reason,
        ...(attempt.adapter ? { adapter: attempt.adapter } : {}),
      });
    } catch (error) {
      const message = (error as Error).message.replace(`Backend '${name}' is not available: `, '');
      backends.push({ name, ok: false, reason: message });
    }
  }
  const webgpu = await listWebgpuAdapters();
  const loaded = backends.filter((b) => b.ok);
  for (const b of loaded) {
    progress(`probing ${b.name}...\n`);
    try {
      await selectBackend(b.name);
      b.speed = await probeSpeed(budgetMs / loaded.length);
    } catch (error) {
      b.speedError = (error as Error).message.split('\n')[0];
    }
  }
  return { node: process.version, tfjs: tf.version.tfjs, backends, webgpu };
}

export function formatReport(r: DoctorReport): string {
  const lines = [`mla doctor: Node ${r.node}, TensorFlow.js ${r.tfjs}`, '', 'Backends:'];
  for (const b of r.backends) {
    lines.push(`  ${b.name.padEnd(15)}${b.ok ? 'loads' : 'not available'}: ${b.reason}`);
    if (b.speed) {
      lines.push(
        `  ${''.padEnd(15)}matmul ${b.speed.matmulGflops} GFLOP/s (${b.speed.matmulSize}²), ` +
          `MLP 784-512-256-10 Adam batch 64: ${b.speed.mlpStepMs} ms/step`,
      );
    }
    if (b.speedError) lines.push(`  ${''.padEnd(15)}speed probe failed: ${b.speedError}`);
  }
  lines.push('', 'WebGPU adapters:');
  if (r.webgpu.adapters.length === 0) lines.push(`  none: ${r.webgpu.reason}`);
  for (const a of r.webgpu.adapters) {
    lines.push(`  ${a.label}${a.software ? ' (software: used only with MLA_WEBGPU_ALLOW_SOFTWARE=1)' : ''}`);
    const mib = (v: number) => `${Math.round(v / 2 ** 20)} MiB`;
    lines.push(
      `    maxBufferSize ${mib(a.limits.maxBufferSize)}, maxStorageBufferBindingSize ${mib(a.limits.maxStorageBufferBindingSize)}, ` +
        `maxComputeWorkgroupStorageSize ${a.limits.maxComputeWorkgroupStorageSize} B, ` +
        `maxComputeInvocationsPerWorkgroup ${a.limits.maxComputeInvocationsPerWorkgroup}`,
    );
  }
  lines.push(
    '',
    '`auto` times a few steps of each run’s own model on the backends that load and takes the fastest;',
    'force one with "backend" in the config or --backend.',
  );
  return lines.join('\n') + '\n';
}

// The GPU backend that installs from npm alone: Dawn's Node bindings (the optional package `webgpu`, a prebuilt
// dawn.node reaching the GPU through the driver's Vulkan ICD, no CUDA) under @tensorflow/tfjs-backend-webgpu.
// Every way it cannot run gets a one-line reason (webgpu-env.ts); a software adapter is refused unless
// MLA_WEBGPU_ALLOW_SOFTWARE=1, because it is slower than wasm. A device lost or out of memory later, in the
// middle of a run, is reported through fault.ts.
import * as tf from '@tensorflow/tfjs';
import { reportBackendFault } from './fault';
import { nodeRequire } from './node-require';
import type { AttemptResult } from './types';
import {
  classifyAdapter,
  electronReason,
  memoryReason,
  noAdapterReason,
  REAL_HOST,
  softwareAdapterReason,
  softwareAllowed,
  type AdapterInfoLike,
  type GpuHost,
} from './webgpu-env';

export interface WebgpuOptions {
  host?: GpuHost;
  /** An estimate of the run's largest buffer in bytes, checked against the adapter's limits. */
  largestBufferBytes?: number;
}

/** What `mla doctor` shows of the adapter. */
export interface AdapterReport {
  label: string;
  software: boolean;
  limits: Record<string, number>;
}

const KEY_LIMITS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupsPerDimension',
] as const;

// The few WebGPU types used here, declared locally: `webgpu` is optional, so its types may be absent.
interface DeviceLike {
  lost: Promise<{ reason: string; message: string }>;
  onuncapturederror: ((event: { error: { message: string } }) => void) | null;
}
interface AdapterLike {
  info: AdapterInfoLike;
  limits: Record<(typeof KEY_LIMITS)[number], number>;
}
interface GpuLike {
  requestAdapter(options: { powerPreference: 'high-performance' | 'low-power' }): Promise<AdapterLike | null>;
}
interface DawnModule {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}

/** A variable, so that neither TypeScript nor esbuild resolves the optional package at build time. */
const DAWN_PACKAGE = 'webgpu';

let gpu: GpuLike | null = null;

/** Every adapter Dawn offers (the high-performance and the low-power choice), or why there is none. */
export async function listWebgpuAdapters(
  host: GpuHost = REAL_HOST,
): Promise<{ adapters: AdapterReport[]; reason: string | null }> {
  const electron = electronReason(host);
  if (electron) return { adapters: [], reason: electron };
  const loaded = await loadDawn();
  if (typeof loaded === 'string') return { adapters: [], reason: loaded };
  const adapters: AdapterReport[] = [];
  for (const powerPreference of ['high-performance', 'low-power'] as const) {
    const adapter = await loaded.requestAdapter({ powerPreference });
    if (adapter === null) continue;
    const report = reportOf(adapter);
    if (!adapters.some((a) => a.label === report.label)) adapters.push(report);
  }
  return { adapters, reason: adapters.length === 0 ? noAdapterReason(host) : null };
}

function reportOf(adapter: AdapterLike): AdapterReport {
  const { label, software } = classifyAdapter(adapter.info);
  const limits: Record<string, number> = {};
  for (const key of KEY_LIMITS) limits[key] = adapter.limits[key];
  return { label, software, limits };
}

export async function tryWebgpuBackend(options: WebgpuOptions = {}): Promise<AttemptResult> {
  const host = options.host ?? REAL_HOST;
  const electron = electronReason(host);
  if (electron) return { ok: false, reason: `webgpu: ${electron}` };
  const loaded = await loadDawn();
  if (typeof loaded === 'string') return { ok: false, reason: `webgpu: ${loaded}` };

  const adapter = await loaded.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) return { ok: false, reason: `webgpu: ${noAdapterReason(host)}` };
  const { label, software } = classifyAdapter(adapter.info);
  if (software && !softwareAllowed(host.env)) {
    return { ok: false, reason: `webgpu: ${softwareAdapterReason(label, host)}`, adapter: label };
  }
  const memory = memoryReason(adapter.limits, options.largestBufferBytes);
  if (memory) return { ok: false, reason: `webgpu: ${memory}`, adapter: label };

  const registered = registerTfBackend();
  if (registered) return { ok: false, reason: `webgpu: ${registered}`, adapter: label };
  let ready: boolean;
  try {
    ready = await tf.setBackend('webgpu');
  } catch (error) {
    return {
      ok: false,
      reason: `webgpu: the tfjs backend did not start: ${firstLine(error)}`,
      adapter: label,
    };
  }
  if (!ready) return { ok: false, reason: 'webgpu: the tfjs backend did not start', adapter: label };
  watchDevice(label);
  const kind = software ? `software adapter allowed by MLA_WEBGPU_ALLOW_SOFTWARE=1` : 'GPU';
  return { ok: true, reason: `Dawn (npm webgpu) on ${kind}: ${label}`, adapter: label };
}

/** dawn.node, with WebGPU's globals and `navigator.gpu` set; a reason string when it does not load. */
async function loadDawn(): Promise<GpuLike | string> {
  if (gpu) return gpu;
  let dawn: DawnModule;
  try {
    dawn = (await import(DAWN_PACKAGE)) as DawnModule;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      return 'not installed (the optional package `webgpu` has no build for this platform, or was left out)';
    }
    return `dawn.node did not load: ${firstLine(error)}`;
  }
  // tfjs-backend-webgpu uses the GPU* constants (GPUBufferUsage, GPUMapMode...) as globals, like a browser.
  for (const [key, value] of Object.entries(dawn.globals)) {
    if (!(key in globalThis))
      Object.defineProperty(globalThis, key, { value, configurable: true, writable: true });
  }
  gpu = dawn.create([]);
  // Node ≥ 21 has a `navigator` without `gpu`; before that there is none.
  const nav = (globalThis as { navigator?: object }).navigator;
  if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  return gpu;
}

/** The package registers its backend at load, when `navigator.gpu` exists (so only after loadDawn). */
function registerTfBackend(): string | null {
  if (tf.findBackendFactory('webgpu') !== null) return null;
  try {
    nodeRequire('@tensorflow/tfjs-backend-webgpu');
  } catch (error) {
    return `@tensorflow/tfjs-backend-webgpu did not load: ${firstLine(error)}`;
  }
  return tf.findBackendFactory('webgpu') === null
    ? '@tensorflow/tfjs-backend-webgpu registered no backend'
    : null;
}

interface WebgpuBackendLike {
  device: DeviceLike;
  /** Set by the tfjs backend's dispose(): a loss after it is the expected end, not a fault. */
  disposed: boolean;
}

let watched: DeviceLike | null = null;

/** A lost device or an error the driver raises outside any call becomes the run's failure reason. */
function watchDevice(label: string): void {
  const backend = tf.backend() as unknown as WebgpuBackendLike;
  const device = backend.device;
  if (device === watched) return;
  watched = device;
  void device.lost.then((info) => {
    if (!backend.disposed) reportBackendFault(deviceLostReason(label, info));
  });
  device.onuncapturederror = (event) => reportBackendFault(uncapturedErrorReason(label, event.error));
}

export function deviceLostReason(label: string, info: { reason: string; message: string }): string {
  const detail = [info.reason, info.message].filter((s) => s !== '' && s !== undefined).join(': ');
  return `the GPU device was lost (${label})${detail ? `: ${firstLine(detail)}` : ''}`;
}

/** GPUOutOfMemoryError by its class, or by its message where the class is not exposed. */
export function uncapturedErrorReason(label: string, error: { message: string }): string {
  const oom = error.constructor?.name === 'GPUOutOfMemoryError' || /out of memory/i.test(error.message);
  return oom
    ? `the GPU ran out of memory (${label}): ${firstLine(error)}`
    : `the GPU reported an error (${label}): ${firstLine(error)}`;
}

function firstLine(error: unknown): string {
  const message =
    error instanceof Error ? error.message : String((error as { message?: unknown })?.message ?? error);
  return message.split('\n')[0];
}

// The embedded default backend: WebAssembly with XNNPACK and SIMD, plus the project's training kernels.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths, type BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as path from 'node:path';
import { kernelPool, setKernelThreads } from './kernels/kernel-threads';
import { registerWasmTrainingKernels, type WasmKernelOptions } from './kernels/register';
import { setWasmThreadsLoaded, wasmThreads } from './threads';
import { useThreadedWasmBuild } from './wasm-threaded';
import { simdVariant } from './kernels/simd-variant';
import { nodeRequire } from './node-require';
import type { AttemptResult } from './types';

/**
 * The .wasm files sit in the package's dist folder. Resolving it (rather than relying on the backend's default
 * relative to its own module) keeps it working when the trainer is bundled and the package stays external.
 */
export function wasmDistFolder(): string | null {
  try {
    return path.dirname(nodeRequire.resolve('@tensorflow/tfjs-backend-wasm'));
  } catch {
    return null;
  }
}

let pathsSet = false;

export async function tryWasmBackend(options: WasmKernelOptions = {}): Promise<AttemptResult> {
  const dist = wasmDistFolder();
  if (dist !== null && !pathsSet) {
    setWasmPaths(dist + path.sep);
    pathsSet = true;
  }
  const warnings: string[] = [];
  const threads = wasmThreads();
  // The shared heap that kernel threads need comes with the threaded build; one thread keeps the plain one.
  const noThreads = threads.count > 1 ? useThreadedWasmBuild() : null;
  let ready: boolean;
  // tf reports why a backend failed only through console.warn; keep it for the reason.
  const originalWarn = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args.map(String).join(' '));
  try {
    ready = await tf.setBackend('wasm');
  } catch (error) {
    ready = false;
    warnings.push(error instanceof Error ? error.message : String(error));
  } finally {
    console.warn = originalWarn;
  }
  if (!ready) {
    const why = warnings.length > 0 ? warnings.join('; ') : 'no reason given';
    return {
      ok: false,
      reason: `@tensorflow/tfjs-backend-wasm did not initialise (.wasm files from ${dist}): ${why}`,
    };
  }
  registerWasmTrainingKernels(options);
  setKernelThreads(noThreads === null ? threads.count : 1);
  const pool = kernelPool(tf.backend() as BackendWasm);
  const threadsText =
    noThreads !== null
      ? `1 thread, ${threads.count} asked for but ${noThreads}`
      : pool
        ? `${pool.threads} threads, ${threads.why}`
        : `1 thread, ${threads.why}`;
  setWasmThreadsLoaded(threadsText);
  return {
    ok: true,
    reason: `@tensorflow/tfjs-backend-wasm (XNNPACK; .wasm files from ${dist}; Conv2DBackpropFilter, UnsortedSegmentSum and a transposing BatchMatMul registered; ${simdVariant().reason}; kernels on ${threadsText})`,
  };
}

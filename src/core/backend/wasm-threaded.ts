// TensorFlow.js's threaded wasm build in Node, for its shared heap. The stock loader never picks that build in
// Node (tfjs issue 3830: its pthread workers are made from Blob URLs, which Node's Worker refuses), so the
// trainer loads the Emscripten module itself and registers it as the 'wasm' backend. What it is for: a heap in a
// SharedArrayBuffer, on which the project's own kernels run in worker threads (kernels/kernel-pool.ts).
//
// XNNPACK stays on one thread (initWithThreadsCount(1)): the products that matter run in the project's kernels,
// and the build's 8 pthread workers, each a Node isolate (measured: +220 ms to start, +77 MB resident), would
// sit idle. Emscripten still creates its pool at start-up, so the pool is given stand-ins that answer its
// load handshake and refuse to run a thread; pthreads are never started with one XNNPACK thread.
import * as tf from '@tensorflow/tfjs';
import { BackendWasm, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { EventEmitter } from 'node:events';
import * as path from 'node:path';
import { nodeRequire } from './node-require';

/** The Emscripten module object, as far as the loader and BackendWasm use it. */
interface EmscriptenModule {
  cwrap(name: string, result: string | null, args: string[]): (...args: number[]) => number;
  wasmMemory: object;
  tfjs?: unknown;
}
type Factory = (config: Record<string, unknown>) => Promise<EmscriptenModule>;

/** A pthread worker that loads nothing: it answers Emscripten's handshake and fails if asked to run a thread. */
class IdlePthreadWorker extends EventEmitter {
  onmessage: ((event: { data: unknown }) => void) | null = null;
  postMessage(message: { cmd?: string }): void {
    if (message.cmd === 'load') setImmediate(() => this.emit('message', { cmd: 'loaded' }));
    else if (message.cmd === 'run') {
      setImmediate(() =>
        this.emit(
          'error',
          new Error('the threaded wasm backend runs XNNPACK on one thread; a pthread was asked for'),
        ),
      );
    }
  }
  ref(): void {}
  unref(): void {}
  terminate(): void {}
}

/** The folder of the package's Emscripten outputs (the threaded build's .js and .wasm), or null. */
function wasmOutFolder(): string | null {
  try {
    return path.join(
      path.dirname(nodeRequire.resolve('@tensorflow/tfjs-backend-wasm/package.json')),
      'wasm-out',
    );
  } catch {
    return null;
  }
}

/** Why the threaded build cannot run here, or null when it can. */
function threadedWasmUnavailable(): string | null {
  if (typeof SharedArrayBuffer !== 'function') return 'this runtime has no SharedArrayBuffer';
  if (typeof Atomics !== 'object' || typeof Atomics.wait !== 'function')
    return 'this runtime has no Atomics.wait';
  if (wasmOutFolder() === null) return '@tensorflow/tfjs-backend-wasm/wasm-out is not installed';
  return null;
}

/** Instantiates the threaded build with idle pthread stand-ins (Emscripten reads the global Worker). */
async function instantiate(folder: string): Promise<EmscriptenModule> {
  const mainScript = path.join(folder, 'tfjs-backend-wasm-threaded-simd.js');
  const factory = nodeRequire(mainScript) as Factory;
  const global = globalThis as { Worker?: unknown };
  const had = Object.getOwnPropertyDescriptor(global, 'Worker');
  // The module assigns global.Worker = worker_threads.Worker while it starts and then creates its pool from it.
  Object.defineProperty(global, 'Worker', {
    configurable: true,
    get: () => IdlePthreadWorker,
    set: () => {},
  });
  try {
    const module = await factory({
      locateFile: (file: string) => path.join(folder, file),
      mainScriptUrlOrBlob: mainScript,
    });
    module.tfjs = {
      init: module.cwrap('init', null, []),
      initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
      getThreadsCount: module.cwrap('get_threads_count', 'number', []),
      registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
      disposeData: module.cwrap('dispose_data', null, ['number']),
      dispose: module.cwrap('dispose', null, []),
    };
    return module;
  } finally {
    if (had) Object.defineProperty(global, 'Worker', had);
    else delete global.Worker;
  }
}

/** The factory this module registered as 'wasm', while tf still holds it. */
let registeredFactory: (() => Promise<BackendWasm>) | null = null;

/**
 * Makes 'wasm' the threaded build (registered kernels stay: they are keyed by the backend's name). Call before
 * `tf.setBackend('wasm')`; returns why it cannot, or null. Calling it again keeps the build already registered,
 * and with it the instance tf made of it: `auto` loads each backend twice (once to list it, once to time it),
 * and a second instance of the threaded build in one process aborts in XNNPACK's first Transpose (measured).
 */
export function useThreadedWasmBuild(): string | null {
  const unavailable = threadedWasmUnavailable();
  if (unavailable !== null) return unavailable;
  if (registeredFactory !== null && tf.findBackendFactory('wasm') === registeredFactory) return null;
  const folder = wasmOutFolder()!;
  tf.removeBackend('wasm');
  registeredFactory = async () => {
    const module = await instantiate(folder);
    // One XNNPACK thread: BackendWasm reads the count set by setThreadsCount (default: all cores).
    setThreadsCount(1);
    return new BackendWasm(module as unknown as ConstructorParameters<typeof BackendWasm>[0]);
  };
  tf.registerBackend('wasm', registeredFactory, 2);
  return null;
}

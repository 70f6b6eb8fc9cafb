// Where the wasm backend's heap is: the plain builds export their memory, the threaded build imports a shared
// one. Kernels instantiated on the heap must declare the import the same way (shared or not).
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** What the kernels need of a WebAssembly.Memory (the project's type libraries do not declare it). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
}

const MemoryClass = (
  globalThis as unknown as { WebAssembly?: { Memory: abstract new (...args: never[]) => object } }
).WebAssembly?.Memory;

export function backendMemory(backend: BackendWasm): WasmMemory | null {
  const module = backend.wasm as unknown as { asm?: { memory?: unknown }; wasmMemory?: unknown };
  const memory = module.asm?.memory ?? module.wasmMemory;
  return MemoryClass && memory instanceof MemoryClass ? (memory as WasmMemory) : null;
}

/** True when the backend's heap is shared, so worker threads can run kernels on it. */
export function heapIsShared(backend: BackendWasm): boolean {
  const memory = backendMemory(backend);
  return (
    memory !== null && typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer
  );
}

// A TF.js backend that has no synchronous read, as the webgpu backend in Node has none: the cpu backend's
// kernels and memory under another name, whose `readSync` throws. `dataSync`, `arraySync` and a tensor's
// `bufferSync` all end in `readSync`; `await t.data()` works. Its memory is not the cpu backend's to
// `tensorHost()` (the name differs), so the trainer takes the paths it takes on webgpu.

import * as tf from '@tensorflow/tfjs';

export const ASYNC_ONLY_BACKEND = 'cpu-async-only';

/** The part of tfjs-backend-cpu's MathBackendCPU overridden here (its package is not a direct dependency). */
interface CpuBackend extends tf.KernelBackend {
  readSync(dataId: tf.DataId): tf.BackendValues;
  bufferSync<R extends tf.Rank, D extends tf.DataType>(t: tf.TensorInfo): tf.TensorBuffer<R, D>;
}

export class SynchronousReadError extends Error {}

/** Registers the backend (once) and makes it the active one. */
export async function useAsyncOnlyBackend(): Promise<void> {
  if (!tf.findBackendFactory(ASYNC_ONLY_BACKEND)) register();
  if (!(await tf.setBackend(ASYNC_ONLY_BACKEND))) {
    throw new Error(`the ${ASYNC_ONLY_BACKEND} test backend did not initialise`);
  }
}

function register(): void {
  const cpu = tf.findBackend('cpu') as CpuBackend | null;
  if (!cpu) throw new Error('the cpu backend is not initialised: call tf.setBackend("cpu") first');
  const Cpu = cpu.constructor as new () => CpuBackend;
  class AsyncOnly extends Cpu {
    override readSync(): never {
      throw new SynchronousReadError(
        `${ASYNC_ONLY_BACKEND}: a synchronous read (dataSync, arraySync or bufferSync) on a backend that has none`,
      );
    }
    override read(dataId: tf.DataId): Promise<tf.BackendValues> {
      return Promise.resolve(super.readSync(dataId));
    }
    /** A kernel's own access to its inputs (on webgpu that happens on the device): not the caller's read. */
    override bufferSync<R extends tf.Rank, D extends tf.DataType>(t: tf.TensorInfo): tf.TensorBuffer<R, D> {
      const values = super.readSync(t.dataId) as tf.DataTypeMap[D];
      return tf.buffer(t.shape as tf.ShapeMap[R], t.dtype as D, values);
    }
  }
  tf.registerBackend(ASYNC_ONLY_BACKEND, () => new AsyncOnly());
  for (const kernel of tf.getKernelsForBackend('cpu')) {
    tf.registerKernel({ ...kernel, backendName: ASYNC_ONLY_BACKEND });
  }
}

// Identity for the wasm backend without a copy: the output shares the input's buffer and counts a reference,
// as Reshape does and as the cpu backend's Identity does. The stock wasm kernel copies the whole tensor, and
// the engine calls it for every tensor it saves for the backward pass (`saveTensorsForBackwardMode` clones
// them): on the conv2d encoder's epoch that was 256 copies of up to 8 MB (≈ 5 % of the epoch), on the
// transformer's 3,765. Sharing is safe because nothing writes into a tensor's buffer once it is made:
// kernels write only their fresh outputs, and the fast paths give every updated parameter a new buffer
// (optim/fast-update.ts). Strings keep the stock kernel.
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

export function makeIdentityConfig(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: KernelArgs): tf.TensorInfo | tf.TensorInfo[] => {
    const x = args.inputs.x!;
    if (x.dtype === 'string') return stock.kernelFunc(args as Parameters<tf.KernelFunc>[0]);
    (args.backend as BackendWasm).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
  return { kernelName: tf.Identity, backendName: 'wasm', kernelFunc: kernelFunc as tf.KernelFunc };
}

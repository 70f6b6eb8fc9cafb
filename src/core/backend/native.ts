// The libtensorflow backends. Both are optional dependencies whose install downloads libtensorflow, so they are
// usually absent (docs/architecture.md, the compute platform): loading is a try/catch, and the reason says which of the two failures it was.
import * as tf from '@tensorflow/tfjs';
import { probeCuda } from './cuda';
import { nodeRequire } from './node-require';
import type { AttemptResult } from './types';

const NOT_INSTALLED = 'not installed (optional dependency; its install needs to download libtensorflow)';

export async function tryNativeBackend(gpu: boolean): Promise<AttemptResult> {
  const pkg = gpu ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
  const cuda = gpu ? `; ${probeCuda().detail}` : '';
  try {
    nodeRequire(pkg);
  } catch (error) {
    return { ok: false, reason: `${pkg}: ${describeLoadError(pkg, error)}${cuda}` };
  }
  // Both packages register their backend under the same tf name.
  if (tf.findBackendFactory('tensorflow') === null) {
    return {
      ok: false,
      reason: `${pkg}: loaded, but registered no 'tensorflow' backend here (a second copy of @tensorflow/tfjs-core?)${cuda}`,
    };
  }
  const ready = await tf.setBackend('tensorflow');
  if (!ready) return { ok: false, reason: `${pkg}: loaded, but its backend did not initialise${cuda}` };
  return { ok: true, reason: `${pkg}: libtensorflow loaded${cuda}` };
}

function describeLoadError(pkg: string, error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split('\n')[0];
  if (code === 'MODULE_NOT_FOUND' && firstLine.includes(`'${pkg}'`)) return NOT_INSTALLED;
  return `failed to load: ${firstLine}`;
}

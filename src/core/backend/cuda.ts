// Where tfjs-node-gpu would find CUDA: it needs the CUDA 11 runtime and cuDNN 8 shared libraries (PLATFORM.md).
// Only a hint for the backend report; the library load itself is the real test.
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

const LIBRARIES = ['libcudart.so.11', 'libcudnn.so.8'];
const DEFAULT_DIRS = [
  '/usr/local/cuda/lib64',
  '/usr/local/cuda/targets/x86_64-linux/lib',
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib64',
  '/usr/lib',
];

export interface CudaProbe {
  found: boolean;
  detail: string;
}

export function probeCuda(env: NodeJS.ProcessEnv = process.env): CudaProbe {
  const dirs = [...(env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d !== ''), ...DEFAULT_DIRS];
  if (env.CUDA_PATH) dirs.unshift(path.join(env.CUDA_PATH, 'lib64'));
  const found = LIBRARIES.map((lib) => ({ lib, dir: dirs.find((dir) => hasLibrary(dir, lib)) }));
  const missing = found.filter((f) => f.dir === undefined).map((f) => f.lib);
  if (missing.length === 0) {
    return { found: true, detail: `CUDA found (${found.map((f) => path.join(f.dir!, f.lib)).join(', ')})` };
  }
  return { found: false, detail: `CUDA not found (no ${missing.join(' or ')} in ${dirs.join(', ')})` };
}

function hasLibrary(dir: string, lib: string): boolean {
  if (!existsSync(dir)) return false;
  try {
    return readdirSync(dir).some((name) => name.startsWith(lib));
  } catch {
    return false;
  }
}

// Where tfjs-node-gpu would find CUDA: it needs the CUDA 11 runtime and cuDNN 8 shared libraries (docs/architecture.md, the compute platform).
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

/** Looks in CUDA_PATH/lib64, LD_LIBRARY_PATH, then the usual system folders (`systemDirs`, replaceable for tests). */
export function probeCuda(
  env: NodeJS.ProcessEnv = process.env,
  systemDirs: readonly string[] = DEFAULT_DIRS,
): CudaProbe {
  const dirs = [...(env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d !== ''), ...systemDirs];
  if (env.CUDA_PATH) dirs.unshift(path.join(env.CUDA_PATH, 'lib64'));
  const found = LIBRARIES.map((lib) => ({ lib, file: firstMatch(dirs, lib) }));
  const missing = found.filter((f) => f.file === null).map((f) => f.lib);
  if (missing.length === 0)
    return { found: true, detail: `CUDA found (${found.map((f) => f.file).join(', ')})` };
  return { found: false, detail: `CUDA not found (no ${missing.join(' or ')} in ${dirs.join(', ')})` };
}

function firstMatch(dirs: readonly string[], lib: string): string | null {
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    try {
      const name = readdirSync(dir).find((entry) => entry.startsWith(lib));
      if (name !== undefined) return path.join(dir, name);
    } catch {
      // An unreadable folder is simply not where the library is.
    }
  }
  return null;
}

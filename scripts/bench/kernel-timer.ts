// Times every kernel of a backend by re-registering each kernel with a wrapper around its kernelFunc, and the
// engine's dispatch (`runKernelFunc`: tensor bookkeeping, tape recording) around it. Only the outermost call
// counts: the project's wasm kernels call other kernels, whose time belongs to the caller. Kernels called directly
// (src/core/backend/host.ts) are kernel time with no dispatch. Benchmarks only: the
// wrappers cost about a microsecond per call, which the report states.
import * as tf from '@tensorflow/tfjs';

export interface KernelStat {
  name: string;
  calls: number;
  ms: number;
}

export interface KernelTimer {
  /** Milliseconds spent inside kernel functions since the last reset. */
  kernelMs(): number;
  /** Milliseconds spent in the engine's runKernelFunc (kernels included) since the last reset. */
  dispatchMs(): number;
  stats(): KernelStat[];
  reset(): void;
  /** Puts the original kernels and engine method back. */
  uninstall(): void;
}

type KernelArgs = Parameters<tf.KernelFunc>[0];

interface EngineInternals {
  runKernelFunc(params: unknown): unknown;
}

export function installKernelTimer(backendName: string): KernelTimer {
  const byName = new Map<string, KernelStat>();
  let depth = 0;
  let dispatchDepth = 0;
  let dispatch = 0;
  const originals = tf.getKernelsForBackend(backendName);
  const details = new Map<string, KernelStat>();
  const detailed = new Set((process.env.BENCH_DETAIL ?? '').split(',').filter((k) => k !== ''));
  for (const config of originals) {
    const stat: KernelStat = { name: config.kernelName, calls: 0, ms: 0 };
    byName.set(config.kernelName, stat);
    const inner = config.kernelFunc;
    const timed = (args: KernelArgs) => {
      if (depth > 0) return inner(args);
      depth++;
      const start = performance.now();
      try {
        return inner(args);
      } finally {
        const ms = performance.now() - start;
        stat.ms += ms;
        stat.calls++;
        depth--;
        // Called directly, not through the engine (the fast-path training step does): no dispatch around it,
        // so its time counts as its own dispatch, keeping dispatch ≥ kernels.
        if (dispatchDepth === 0) dispatch += ms;
        if (detailed.has(config.kernelName)) {
          const a = args.attrs as Record<string, unknown> | undefined;
          const shapes = Object.values(args.inputs).map((t) => `[${t!.shape.join(',')}]`);
          const flags = `${a?.transposeA ? 'tA' : ''}${a?.transposeB ? 'tB' : ''}`;
          // Reductions differ by their axes more than by their input shape.
          const axis = a?.axis === undefined ? '' : `axis ${String(a.axis)}`;
          const key = [config.kernelName, ...shapes, flags, axis].filter((part) => part !== '').join(' ');
          const d = details.get(key) ?? { name: key, calls: 0, ms: 0 };
          d.calls++;
          d.ms += ms;
          details.set(key, d);
        }
      }
    };
    tf.unregisterKernel(config.kernelName, backendName);
    tf.registerKernel({ ...config, kernelFunc: timed as tf.KernelFunc });
  }
  const engine = tf.engine() as unknown as EngineInternals;
  const originalRun = engine.runKernelFunc;
  engine.runKernelFunc = function (params: unknown) {
    if (dispatchDepth > 0) return originalRun.call(this, params);
    dispatchDepth++;
    const start = performance.now();
    try {
      return originalRun.call(this, params);
    } finally {
      dispatch += performance.now() - start;
      dispatchDepth--;
    }
  };
  return {
    kernelMs: () => [...byName.values()].reduce((s, k) => s + k.ms, 0),
    dispatchMs: () => dispatch,
    stats: () =>
      [...byName.values(), ...details.values()].filter((k) => k.calls > 0).sort((a, b) => b.ms - a.ms),
    reset: () => {
      for (const k of byName.values()) {
        k.calls = 0;
        k.ms = 0;
      }
      dispatch = 0;
      details.clear();
    },
    uninstall: () => {
      for (const config of originals) {
        tf.unregisterKernel(config.kernelName, backendName);
        tf.registerKernel(config);
      }
      engine.runKernelFunc = originalRun;
    },
  };
}

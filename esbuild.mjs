// Bundles the trainer / `mla` command line (node, cjs). TensorFlow.js stays external: the wasm backend
// loads its .wasm files from its package folder at run time, and the native backends are optional packages.
import { build } from 'esbuild';

const watch = process.argv.includes('--watch');

const options = {
  entryPoints: { trainer: 'src/trainer/main.ts' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outdir: 'dist',
  sourcemap: true,
  external: ['@tensorflow/*', 'vscode'],
  // jsonc-parser's UMD build hides its requires from the bundler; its ESM build bundles cleanly.
  mainFields: ['module', 'main'],
  logLevel: 'warning',
};

if (watch) {
  const { context } = await import('esbuild');
  const ctx = await context(options);
  await ctx.watch();
} else {
  await build(options);
}

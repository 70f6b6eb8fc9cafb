// Bundles the trainer / `mla` command line and the extension (node, cjs) and the dashboard webview (browser).
// TensorFlow.js stays external: the wasm backend loads its .wasm files from its package folder at run time,
// and the native backends are optional packages. So does `webgpu`: an optional package whose index.js loads
// its platform's prebuilt dawn.node from its own dist/ folder.
import { build } from 'esbuild';
import { writeEditorSchemas } from './scripts/build/editor-schemas.mjs';

const watch = process.argv.includes('--watch');

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  outdir: 'dist',
  sourcemap: true,
  // tsx: only named by the checkpoint writer when it runs from source (checkpoint-writer.ts).
  external: ['@tensorflow/*', 'webgpu', 'vscode', 'tsx'],
  // jsonc-parser's UMD build hides its requires from the bundler; its ESM build bundles cleanly.
  mainFields: ['module', 'main'],
  logLevel: 'warning',
};

const bundles = [
  // The trainer process and the `mla` command line, and the thread it writes checkpoints from (beside it).
  {
    ...node,
    entryPoints: {
      trainer: 'src/trainer/main.ts',
      'checkpoint-worker': 'src/core/train/checkpoint-worker.ts',
    },
  },
  // The extension host side (vscode glue; never loads TensorFlow.js).
  { ...node, entryPoints: { extension: 'src/extension/extension.ts' } },
  // The dashboard and run table webviews: browser code, one script each (the page's CSP allows nothing else).
  {
    entryPoints: { dashboard: 'webview/dashboard/main.ts', runTable: 'webview/runTable/main.ts' },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    outdir: 'dist/webview',
    sourcemap: true,
    minify: true,
    logLevel: 'warning',
  },
];

// What VS Code's JSON language service validates with: completion and hover only (see editor-schemas.mjs).
writeEditorSchemas('.', 'dist/schemas');

if (watch) {
  const { context } = await import('esbuild');
  for (const options of bundles) await (await context(options)).watch();
} else {
  await Promise.all(bundles.map((options) => build(options)));
}

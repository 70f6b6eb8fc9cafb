// Which `node` runs the trainer (docs/architecture.md, rule 4: never the extension host itself). In order: the
// `mla.nodePath` setting, the `node` on PATH, then the editor's own runtime as Node via ELECTRON_RUN_AS_NODE.

import { execFile } from 'node:child_process';

export interface NodeRuntime {
  command: string;
  /** Extra environment, e.g. ELECTRON_RUN_AS_NODE for the editor's runtime. */
  env: Record<string, string>;
  version: string;
  source: 'setting' | 'path' | 'editor';
}

export class NodeNotFoundError extends Error {}

const MIN_MAJOR = 20;

function probe(command: string, env: Record<string, string>): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(
      command,
      ['--version'],
      { env: { ...process.env, ...env }, timeout: 10_000 },
      (error, stdout) => {
        resolve(error ? null : stdout.trim());
      },
    );
  });
}

function majorOf(version: string): number {
  return Number(/^v(\d+)/.exec(version)?.[1] ?? 0);
}

export async function resolveNodeRuntime(setting: string): Promise<NodeRuntime> {
  const tried: string[] = [];
  if (setting) {
    const version = await probe(setting, {});
    if (version && majorOf(version) >= MIN_MAJOR)
      return { command: setting, env: {}, version, source: 'setting' };
    throw new NodeNotFoundError(
      version
        ? `mla.nodePath points to Node ${version}; the trainer needs Node ${MIN_MAJOR} or newer.`
        : `mla.nodePath is "${setting}", but running "${setting} --version" failed. Fix the path or clear the setting.`,
    );
  }
  const onPath = await probe('node', {});
  if (onPath && majorOf(onPath) >= MIN_MAJOR)
    return { command: 'node', env: {}, version: onPath, source: 'path' };
  tried.push(onPath ? `"node" on PATH is ${onPath} (too old)` : '"node" is not on PATH');
  const editorEnv = { ELECTRON_RUN_AS_NODE: '1' };
  const own = await probe(process.execPath, editorEnv);
  if (own && majorOf(own) >= MIN_MAJOR)
    return { command: process.execPath, env: editorEnv, version: own, source: 'editor' };
  tried.push(
    own ? `the editor's runtime is Node ${own} (too old)` : "the editor's runtime cannot run as Node",
  );
  throw new NodeNotFoundError(
    `No Node.js ${MIN_MAJOR}+ to run the trainer: ${tried.join('; ')}. Install Node.js ${MIN_MAJOR} or set mla.nodePath.`,
  );
}

// Running the bundled `mla` (and the PyTorch peer) as child processes, a few at a time, as users would.

import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunSummary } from '../../src/core/runs/types';
import { REPO } from './training';

export const BIN = path.join(REPO, 'bin', 'mla.js');
export const PEER_PYTHON = '/usr/bin/python3';

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs the jobs with at most `parallel` at once; results in job order. */
export async function pool<T>(jobs: (() => Promise<T>)[], parallel: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, jobs.length) }, worker));
  return results;
}

/** Trains one seed with the bundled command line; returns the run's summary. */
export async function trainSeed(
  config: string,
  seed: number,
  runsDir: string,
  extra: string[] = [],
): Promise<RunSummary> {
  const dir = path.join(runsDir, `seed-${seed}`);
  const r = await run(process.execPath, [
    BIN,
    'train',
    config,
    '--seed',
    String(seed),
    '--runs-dir',
    dir,
    '--quiet',
    ...extra,
  ]);
  if (r.code !== 0) throw new Error(`mla train ${config} --seed ${seed} exited ${r.code}: ${r.stderr}`);
  const [runId] = fs.readdirSync(dir);
  return JSON.parse(fs.readFileSync(path.join(dir, runId, 'summary.json'), 'utf8')) as RunSummary;
}

export function peerAvailable(): boolean {
  if (!fs.existsSync(PEER_PYTHON)) return false;
  return spawnSync(PEER_PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' }).status === 0;
}

export interface PeerSummary {
  test: { fused: number; unimodal: Record<string, number> };
  secondsPerEpoch: number;
  samplesPerSecond: number;
}

/** The PyTorch peer on the same config and seed (one thread, its default and fastest setting here). */
export async function peerSeed(
  peerScript: string,
  config: string,
  seed: number,
  outDir: string,
  extra: string[] = [],
): Promise<PeerSummary> {
  fs.mkdirSync(outDir, { recursive: true });
  const out = path.join(outDir, `peer-${seed}-${Date.now()}.json`);
  const r = await run(PEER_PYTHON, [
    peerScript,
    'train',
    config,
    '--seed',
    String(seed),
    '--out',
    out,
    '--quiet',
    ...extra,
  ]);
  if (r.code !== 0)
    throw new Error(`torch_mla.py train ${config} --seed ${seed} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(fs.readFileSync(out, 'utf8')) as PeerSummary;
}

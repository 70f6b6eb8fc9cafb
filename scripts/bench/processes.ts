// Child processes of the benchmark: the worker (ours) and the PyTorch peer, each timed from outside too.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { relaxedSimdFlags } from '../../src/core/backend/relaxed-simd-flags';
import { SHARED } from './workloads';
import type { MatmulResult, StepResult, TrainResult } from './worker';

const WORKER = path.join(__dirname, 'worker.ts');
export const PEER = path.join(SHARED, 'peer', 'torch_mla.py');
export const PYTHON = '/usr/bin/python3';

export interface Timed<T> {
  result: T;
  /** Wall seconds of the whole process, start-up included. */
  processSeconds: number;
}

function parse<T>(stdout: string, what: string, stderr: string): T {
  const line = stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (!line) throw new Error(`${what} failed: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return JSON.parse(line.slice('BENCH_RESULT '.length)) as T;
}

/** Runs the worker asynchronously, so several can run at once. */
export function worker<T extends TrainResult | MatmulResult | StepResult>(args: string[]): Promise<Timed<T>> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(
      process.execPath,
      [...relaxedSimdFlags(process.version), '--import', 'tsx', WORKER, ...args],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', () => {
      try {
        resolve({
          result: parse<T>(out, `worker ${args.join(' ')}`, err),
          processSeconds: (performance.now() - start) / 1000,
        });
      } catch (error) {
        reject(error as Error);
      }
    });
  });
}

export const CLI = path.join(__dirname, '..', '..', 'bin', 'mla.js');

/** Runs the bundled `mla` command (built by `npm run build`, which `npm run bench` runs first). */
export function cli(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...relaxedSimdFlags(process.version), CLI, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`mla ${args.join(' ')} failed: ${err.trim().split('\n').pop()}`)),
    );
  });
}

/** Why the peer cannot run here, or null when it can. */
export function peerUnavailable(): string | null {
  if (!fs.existsSync(PYTHON)) return `${PYTHON} not found`;
  if (!fs.existsSync(PEER)) return `${PEER} not found`;
  const probe = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    return 'PyTorch not installed (apt-get install -y python3-torch python3-numpy libopenblas0-pthread)';
  }
  return null;
}

export interface PeerRun {
  /** Train-loop seconds per epoch (the peer excludes evaluation too). */
  seconds: number[];
  nTrain: number;
}

export function peer(configFile: string, epochs: number, outFile: string): PeerRun {
  const res = spawnSync(
    PYTHON,
    [PEER, 'train', configFile, '--seed', '0', '--epochs', String(epochs), '--out', outFile, '--quiet'],
    { encoding: 'utf8' },
  );
  if (res.status !== 0) throw new Error(`peer failed: ${res.stderr.trim().split('\n').pop()}`);
  const summary = JSON.parse(fs.readFileSync(outFile, 'utf8')) as {
    history: { trainSeconds: number }[];
    nTrain: number;
  };
  return { seconds: summary.history.map((h) => h.trainSeconds), nTrain: summary.nTrain };
}

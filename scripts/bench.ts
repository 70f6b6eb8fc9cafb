// `npm run bench`: training speed of one MLA epoch on the handwritten dataset (the peer's config) on every
// backend that loads, and the PyTorch peer on the same config in the same run, printed as a ratio.
// Figures, not a pass/fail test: these machines are shared and noisy, so compare within one run.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { selectBackend } from '../src/core/backend/select';
import type { BackendName } from '../src/core/config/types';
import type { EpochRecord } from '../src/core/runs/types';

const REPO = path.resolve(__dirname, '..');
const SHARED = path.resolve(REPO, '..', 'shared');
const CONFIG = path.join(SHARED, 'peer', 'handwritten.mla.json');
const PEER = path.join(SHARED, 'peer', 'torch_mla.py');
const PYTHON = '/usr/bin/python3';
const EPOCHS: Record<BackendName, number> = { 'tensorflow-gpu': 4, tensorflow: 4, wasm: 4, cpu: 2 };
const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);

interface Figure {
  name: string;
  secondsPerEpoch: number[];
  samplesPerSecond: number[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function spread(xs: number[]): string {
  if (xs.length < 2) return '(1 run)';
  return `${Math.min(...xs).toFixed(3)}–${Math.max(...xs).toFixed(3)}`;
}

function ours(backend: BackendName, work: string): Figure {
  const fig: Figure = { name: `MLA Studio (${backend})`, secondsPerEpoch: [], samplesPerSecond: [] };
  // The plain CPU backend is a last resort, tens of times slower: one repeat says enough.
  const repeats = backend === 'cpu' ? 1 : REPEATS;
  for (let r = 0; r < repeats; r++) {
    const runs = path.join(work, `${backend}-${r}`);
    const res = spawnSync(
      process.execPath,
      [
        path.join(REPO, 'bin', 'mla.js'),
        'train',
        CONFIG,
        '--seed',
        '0',
        '--epochs',
        String(EPOCHS[backend]),
        '--backend',
        backend,
        '--runs-dir',
        runs,
        '--quiet',
      ],
      { encoding: 'utf8' },
    );
    if (res.status !== 0) throw new Error(`mla train on ${backend} failed: ${res.stderr}`);
    const [runId] = fs.readdirSync(runs);
    const epochs = fs
      .readFileSync(path.join(runs, runId, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as EpochRecord)
      .filter((rec) => rec.type === 'epoch');
    // The first epoch pays for compilation and warm-up; later ones are the steady state.
    const steady = epochs.length > 1 ? epochs.slice(1) : epochs;
    fig.secondsPerEpoch.push(median(steady.map((e) => e.seconds)));
    fig.samplesPerSecond.push(median(steady.map((e) => e.samplesPerSecond)));
  }
  return fig;
}

function peer(work: string): Figure | string {
  if (!fs.existsSync(PYTHON)) return `${PYTHON} not found`;
  const probe = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
  if (probe.status !== 0)
    return 'PyTorch not installed (apt-get install -y python3-torch python3-numpy libopenblas0-pthread)';
  const fig: Figure = { name: 'PyTorch peer (1 thread)', secondsPerEpoch: [], samplesPerSecond: [] };
  for (let r = 0; r < REPEATS; r++) {
    const out = path.join(work, `peer-${r}.json`);
    const res = spawnSync(
      PYTHON,
      [PEER, 'train', CONFIG, '--seed', '0', '--epochs', '4', '--out', out, '--quiet'],
      { encoding: 'utf8' },
    );
    if (res.status !== 0) return `peer failed: ${res.stderr.trim().split('\n').pop()}`;
    const summary = JSON.parse(fs.readFileSync(out, 'utf8')) as {
      history: { trainSeconds: number }[];
      nTrain: number;
    };
    const steady = summary.history.slice(1).map((h) => h.trainSeconds);
    fig.secondsPerEpoch.push(median(steady));
    fig.samplesPerSecond.push(summary.nTrain / median(steady));
  }
  return fig;
}

async function main(): Promise<void> {
  const build = spawnSync(process.execPath, [path.join(REPO, 'esbuild.mjs')], {
    cwd: REPO,
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(build.stderr);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-bench-'));
  console.log(
    `handwritten, ${path.relative(REPO, CONFIG)}: one MLA epoch (6 modality steps per batch), median of ${REPEATS} runs`,
  );
  console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}\n`);
  const figures: Figure[] = [];
  for (const backend of ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as BackendName[]) {
    try {
      await selectBackend(backend);
    } catch (error) {
      console.log(`${backend}: not available (${(error as Error).message.split('\n')[0]})`);
      continue;
    }
    figures.push(ours(backend, work));
  }
  const p = peer(work);
  if (typeof p === 'string') console.log(`PyTorch peer: not run (${p})`);
  else figures.push(p);
  console.log('');
  console.log(
    `${'trainer'.padEnd(28)} ${'s/epoch'.padStart(8)} ${'(spread)'.padStart(14)} ${'samples/s'.padStart(10)} ${'ours/peer'.padStart(10)}`,
  );
  const peerSeconds = typeof p === 'string' ? null : median(p.secondsPerEpoch);
  for (const f of figures) {
    const s = median(f.secondsPerEpoch);
    const ratio = peerSeconds ? `${(s / peerSeconds).toFixed(2)}×` : '–';
    console.log(
      `${f.name.padEnd(28)} ${s.toFixed(3).padStart(8)} ${spread(f.secondsPerEpoch).padStart(14)} ${median(f.samplesPerSecond).toFixed(0).padStart(10)} ${ratio.padStart(10)}`,
    );
  }
  fs.rmSync(work, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});

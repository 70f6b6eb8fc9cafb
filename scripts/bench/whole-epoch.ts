// The whole epoch as a user waits for it, from the command line: the wall time of `mla train --epochs 12`
// minus that of `--epochs 2`, over 10 (start-up, the first epoch's warm-up and the final summary cancel out),
// so train loop, val + test evaluation, the metrics line and the checkpoint are all in it. The PyTorch peer is
// timed the same way (`torch_mla.py train --epochs 12` minus `--epochs 2`, 1 thread; it evaluates val and test
// every epoch too and writes no checkpoint). Ours and the peer's runs are interleaved; each side's long and
// short runs are each their best of `repeats` (the runs that other jobs on a shared machine disturbed least),
// in wall time and in CPU time (which those jobs disturb less).
//   node --import tsx scripts/bench/whole-epoch.ts [KEYS] [repeats]     KEYS: e.g. a,b,c,d (default)
// The bundled `mla` (dist/) is what runs: `npm run build` first.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { relaxedSimdFlags } from '../../src/core/backend/relaxed-simd-flags';
import { CLI, PEER, PYTHON, peerUnavailable } from './processes';
import { table } from './stats';
import { prepareWorkloads, WORKLOAD_KEYS, type Workload, type WorkloadKey } from './workloads';

const LONG = 12;
const SHORT = 2;

/** Clock ticks per second of /proc's times (USER_HZ; 100 on every Linux the project runs on). */
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/**
 * CPU seconds (user + system) of this process's finished, waited-for children and their descendants, from
 * /proc/self/stat; null where there is no /proc. On a shared machine the CPU time a run used moves less
 * than its wall time, which other jobs lengthen.
 */
function childrenCpuSeconds(): number | null {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of proc(5) (cutime, cstime); `fields` starts at field 3.
    return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
  } catch {
    return null;
  }
}

interface Timing {
  wall: number;
  /** NaN where /proc is missing. */
  cpu: number;
}

/** Wall and CPU seconds of one command, which must succeed. */
function timed(command: string, args: string[], env: NodeJS.ProcessEnv): Timing {
  const cpuBefore = childrenCpuSeconds();
  const start = performance.now();
  const res = spawnSync(command, args, { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024 });
  const wall = (performance.now() - start) / 1000;
  const cpuAfter = childrenCpuSeconds();
  if (res.status !== 0) {
    const why = (res.stderr || res.stdout).trim().split('\n').slice(-2).join(' | ');
    throw new Error(`${path.basename(args[0] ?? command)} ${args.slice(1).join(' ')} failed: ${why}`);
  }
  return { wall, cpu: cpuBefore === null || cpuAfter === null ? NaN : cpuAfter - cpuBefore };
}

/** The arguments both trainers take alike: one seed, `epochs` epochs, `threads` threads, no per-epoch lines. */
function trainArgs(configFile: string, epochs: number, threads: number): string[] {
  return [
    'train',
    configFile,
    '--seed',
    '0',
    '--epochs',
    String(epochs),
    '--threads',
    String(threads),
    '--quiet',
  ];
}

function ours(configFile: string, epochs: number, threads: number, runsDir: string): Timing {
  return timed(
    process.execPath,
    [
      ...relaxedSimdFlags(process.version),
      CLI,
      ...trainArgs(configFile, epochs, threads),
      '--runs-dir',
      runsDir,
    ],
    { ...process.env, MLA_THREADS: undefined },
  );
}

function peerRun(configFile: string, epochs: number): Timing {
  return timed(PYTHON, [PEER, ...trainArgs(configFile, epochs, 1), '--no-history'], process.env);
}

/** The short and the long run, one repeat. */
interface Pair {
  short: Timing;
  long: Timing;
}

function pair(run: (epochs: number) => Timing): Pair {
  return { short: run(SHORT), long: run(LONG) };
}

/**
 * Seconds per epoch: the best long run minus the best short run, over the epochs between. Taking each best
 * separately (rather than the best difference) keeps one disturbed short run from making an epoch look free.
 */
export function perEpoch(pairs: Pair[], clock: keyof Timing = 'wall'): number {
  const best = (xs: number[]) => Math.min(...xs);
  return (best(pairs.map((p) => p.long[clock])) - best(pairs.map((p) => p.short[clock]))) / (LONG - SHORT);
}

export interface WholeEpochRow {
  key: WorkloadKey;
  ours: Pair[];
  oursThreaded: Pair[];
  peer: Pair[];
}

/** Measures and prints the whole-epoch table for `workloads`; `threads` > 1 adds a row at that count. */
export function wholeEpochs(workloads: Workload[], repeats: number, threads: number): WholeEpochRow[] {
  const peerMissing = peerUnavailable();
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-bench-epoch-'));
  const rows: WholeEpochRow[] = [];
  try {
    for (const w of workloads) {
      const row: WholeEpochRow = { key: w.key, ours: [], oursThreaded: [], peer: [] };
      for (let r = 0; r < repeats; r++) {
        row.ours.push(pair((e) => ours(w.configFile, e, 1, runsDir)));
        if (threads > 1) row.oursThreaded.push(pair((e) => ours(w.configFile, e, threads, runsDir)));
        if (!peerMissing) row.peer.push(pair((e) => peerRun(w.configFile, e)));
        fs.rmSync(runsDir, { recursive: true, force: true });
      }
      rows.push(row);
    }
  } finally {
    fs.rmSync(runsDir, { recursive: true, force: true });
  }
  const cell = (xs: Pair[], clock: keyof Timing = 'wall') => {
    const v = xs.length ? perEpoch(xs, clock) : NaN;
    return Number.isFinite(v) ? v.toFixed(3) : '';
  };
  const ratio = (xs: Pair[], peer: Pair[], clock: keyof Timing = 'wall') => {
    const v = xs.length && peer.length ? perEpoch(xs, clock) / perEpoch(peer, clock) : NaN;
    return Number.isFinite(v) ? `${v.toFixed(2)}×` : '';
  };
  console.log(
    `\nWhole epoch from the command line (wasm): \`mla train --epochs ${LONG}\` minus \`--epochs ${SHORT}\`, ` +
      `over ${LONG - SHORT}, in wall and in CPU seconds (user + system, all threads); each the best of ${repeats}, ` +
      `interleaved with the peer (1 thread)`,
  );
  const header = ['workload', 'ours s', 'peer s', 'ours/peer', 'ours CPU s', 'peer CPU s', 'ours/peer CPU'];
  if (threads > 1) header.push(`ours s (${threads} threads)`, 'ours/peer', `${threads} / 1 thread`);
  console.log(
    table(
      header,
      rows.map((r) => {
        const cells = [
          `(${r.key})`,
          cell(r.ours),
          cell(r.peer),
          ratio(r.ours, r.peer),
          cell(r.ours, 'cpu'),
          cell(r.peer, 'cpu'),
          ratio(r.ours, r.peer, 'cpu'),
        ];
        if (threads > 1) {
          cells.push(cell(r.oursThreaded), ratio(r.oursThreaded, r.peer), ratio(r.oursThreaded, r.ours));
        }
        return cells;
      }),
    ),
  );
  const runs = (pick: (r: WholeEpochRow) => Pair[]) =>
    rows
      .map(
        (r) =>
          `(${r.key}) ${pick(r)
            .map((p) => `${p.short.wall.toFixed(2)}/${p.long.wall.toFixed(2)}`)
            .join(', ')}`,
      )
      .join('; ');
  console.log(`wall s of each --epochs ${SHORT}/${LONG} pair, ours: ${runs((r) => r.ours)}`);
  if (peerMissing) console.log(`PyTorch peer: not run (${peerMissing})`);
  else console.log(`peer: ${runs((r) => r.peer)}`);
  return rows;
}

async function main(): Promise<void> {
  const keys = (process.argv[2] ?? 'a,b,c,d').split(',') as WorkloadKey[];
  const bad = keys.filter((k) => !WORKLOAD_KEYS.includes(k));
  if (bad.length > 0) throw new Error(`unknown workloads ${bad.join(', ')}`);
  const repeats = Number(process.argv[3] ?? 2);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mla-bench-epoch-cfg-'));
  try {
    const workloads = await prepareWorkloads(work, keys);
    console.log(`${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, node ${process.version}`);
    wholeEpochs(workloads, repeats, Number(process.env.BENCH_THREADS ?? 1));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) void main();

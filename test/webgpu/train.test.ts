// `mla train` on webgpu as a user runs it (the bundled program in a child process): the example gives wasm's
// per-epoch metrics to 1e-3 with the same seed, a run stopped on webgpu resumes on wasm, a software adapter is
// refused by name without MLA_WEBGPU_ALLOW_SOFTWARE=1, and `auto` keeps wasm for the six-MLP handwritten config
// after timing both, with the figures in config.json.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { listWebgpuAdapters } from '../../src/core/backend/webgpu';
import type { BackendAttempt } from '../../src/core/backend/types';
import type { EpochRecord, RunStatus } from '../../src/core/runs/types';
import { decodeTrainerEvent } from '../../src/protocol/trainerEvents';
import { epochRecords, exampleWorkspace, REPO, SHARED, tempDir } from '../support/training';
import { webgpuUnavailable } from '../support/webgpu';

const BIN = path.join(REPO, 'bin', 'mla.js');
const TOL = 1e-3;
const ALLOW = { ...process.env, MLA_WEBGPU_ALLOW_SOFTWARE: '1' };

function mla(args: string[], env: NodeJS.ProcessEnv = ALLOW) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    env,
    timeout: 150_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

function onlyRun(runs: string): string {
  const names = fs.readdirSync(runs);
  assert.equal(names.length, 1, `one run folder in ${runs}`);
  return path.join(runs, names[0]);
}

/** Every number of an epoch record but the clock's, by a path that names it. */
function numbersOf(r: EpochRecord): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (v: unknown, at: string) => {
    if (typeof v === 'number') out.set(at, v);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${at}/${k}`);
  };
  const { samplesPerSecond: _s, seconds: _t, elapsed: _e, ...rest } = r;
  walk(rest, `epoch ${r.epoch}`);
  return out;
}

function assertSameMetrics(actual: EpochRecord[], expected: EpochRecord[], what: string): void {
  assert.deepEqual(
    actual.map((r) => r.epoch),
    expected.map((r) => r.epoch),
  );
  expected.forEach((e, i) => {
    const got = numbersOf(actual[i]);
    for (const [at, v] of numbersOf(e)) {
      const a = got.get(at)!;
      const ok = Number.isNaN(v) ? Number.isNaN(a) : Math.abs(a - v) <= TOL;
      assert.ok(ok, `${what}: ${at} = ${a}, wasm ${v}`);
    }
  });
}

let ws: { dir: string; mla: string; joint: string };
let unavailable: string | null;

before(async () => {
  unavailable = await webgpuUnavailable();
  const build = spawnSync(process.execPath, [path.join(REPO, 'esbuild.mjs')], {
    cwd: REPO,
    encoding: 'utf8',
  });
  assert.equal(build.status, 0, build.stderr);
  ws = await exampleWorkspace();
});

describe('mla train on webgpu', () => {
  it('trains the example to wasm’s per-epoch metrics (same seed, 1e-3) and records the adapter', (t) => {
    if (unavailable) return t.skip(unavailable);
    const runs = { webgpu: tempDir('gpu-train'), wasm: tempDir('wasm-train') };
    for (const backend of ['webgpu', 'wasm'] as const) {
      const r = mla([
        'train',
        ws.mla,
        '--epochs',
        '3',
        '--seed',
        '0',
        '--backend',
        backend,
        '--runs-dir',
        runs[backend],
      ]);
      assert.equal(r.code, 0, r.stderr);
    }
    const gpuRun = onlyRun(runs.webgpu);
    assertSameMetrics(epochRecords(gpuRun), epochRecords(onlyRun(runs.wasm)), 'webgpu');
    const config = readJson<{ run: { backend: string; backendsTried: BackendAttempt[] } }>(
      path.join(gpuRun, 'config.json'),
    );
    assert.equal(config.run.backend, 'webgpu');
    const adapter = config.run.backendsTried[0].adapter!;
    assert.match(adapter, / · /);
    assert.ok(
      fs.readFileSync(path.join(gpuRun, 'log.txt'), 'utf8').includes(`backend in use: webgpu on ${adapter}`),
    );
  });

  it('a run stopped on webgpu resumes on wasm and completes with wasm’s metrics (1e-3)', async (t) => {
    if (unavailable) return t.skip(unavailable);
    const runs = tempDir('gpu-stop');
    const child = spawn(
      process.execPath,
      [
        BIN,
        'train',
        ws.mla,
        '--epochs',
        '4',
        '--seed',
        '0',
        '--backend',
        'webgpu',
        '--runs-dir',
        runs,
        '--json',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: ALLOW },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Stop as soon as the first epoch is reported: the run ends in the middle of epoch 2.
    let buffered = '';
    let signalled = false;
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      // Once: a second signal means "quit now" (exit 130).
      if (!signalled && lines.some((l) => decodeTrainerEvent(l)?.type === 'epoch')) {
        signalled = true;
        child.kill('SIGTERM');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0, stderr);
    const runDir = onlyRun(runs);
    const stopped = readJson<RunStatus>(path.join(runDir, 'status.json'));
    assert.equal(stopped.state, 'stopped');
    assert.ok(epochRecords(runDir).length < 4, 'stopped before the end');

    const resumed = mla(['train', '--resume', runDir, '--backend', 'wasm']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal(readJson<RunStatus>(path.join(runDir, 'status.json')).state, 'completed');
    const log = fs.readFileSync(path.join(runDir, 'log.txt'), 'utf8');
    assert.ok(log.includes('warning: resuming on wasm, the run started on webgpu'), log);

    const straight = tempDir('wasm-straight');
    const r = mla([
      'train',
      ws.mla,
      '--epochs',
      '4',
      '--seed',
      '0',
      '--backend',
      'wasm',
      '--runs-dir',
      straight,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assertSameMetrics(epochRecords(runDir), epochRecords(onlyRun(straight)), 'webgpu → wasm');
  });

  it('refuses a software adapter by name without MLA_WEBGPU_ALLOW_SOFTWARE=1', async (t) => {
    if (unavailable) return t.skip(unavailable);
    const { adapters } = await listWebgpuAdapters();
    const software = adapters.find((a) => a.software);
    if (!software) return t.skip(`the adapter here is a GPU (${adapters[0].label}): nothing to refuse`);
    const env = { ...process.env };
    delete env.MLA_WEBGPU_ALLOW_SOFTWARE;
    const runs = tempDir('gpu-refuse');
    const r = mla(
      ['train', ws.mla, '--epochs', '1', '--seed', '0', '--backend', 'webgpu', '--runs-dir', runs],
      env,
    );
    assert.equal(r.code, 1, r.stderr);
    assert.ok(
      r.stderr.includes(
        `mla train: Backend 'webgpu' is not available: webgpu: the only adapter is a software one (${software.label})`,
      ),
      r.stderr,
    );
    assert.ok(r.stderr.includes('set MLA_WEBGPU_ALLOW_SOFTWARE=1 to use it anyway'), r.stderr);
    assert.ok(!r.stderr.includes('    at '), 'no stack trace');
  });

  it('auto times webgpu and wasm on the six-MLP handwritten config, keeps wasm and records both figures', (t) => {
    if (unavailable) return t.skip(unavailable);
    const config = path.join(SHARED, 'peer', 'handwritten.mla.json');
    if (!fs.existsSync(config)) {
      return t.skip(`the peer config is not at ${config} (MLA_SHARED names the shared folder)`);
    }
    const runs = tempDir('gpu-auto');
    const r = mla(['train', config, '--epochs', '1', '--seed', '0', '--runs-dir', runs]);
    assert.equal(r.code, 0, r.stderr);
    const record = readJson<{ run: { backend: string; backendsTried: BackendAttempt[] } }>(
      path.join(onlyRun(runs), 'config.json'),
    );
    assert.equal(record.run.backend, 'wasm');
    const byName = new Map(record.run.backendsTried.map((a) => [a.name, a]));
    const gpu = byName.get('webgpu')!;
    const wasm = byName.get('wasm')!;
    assert.ok(gpu.ok && wasm.ok);
    assert.ok(gpu.msPerStep! > 0 && wasm.msPerStep! > 0);
    assert.ok(wasm.msPerStep! < gpu.msPerStep!, `wasm ${wasm.msPerStep} ms/step, webgpu ${gpu.msPerStep}`);
    assert.match(gpu.adapter!, / · /);
    assert.match(
      r.stderr,
      new RegExp(`measured: webgpu ${gpu.msPerStep} ms/step, wasm ${wasm.msPerStep} ms/step`),
    );
  });
});

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseJobComp, parseSacct, parseSbatchJobId, parseSqueue } from '../../src/core/sweep/slurm/cli';
import { withSlurmDefaults } from '../../src/core/sweep/slurm/defaults';
import { arrayRanges, sbatchScript, shellQuote } from '../../src/core/sweep/slurm/script';

describe('sbatch script', () => {
  test('array ranges compress consecutive trial indices', () => {
    assert.equal(arrayRanges([0, 1, 2, 3, 4, 5, 6, 7]), '0-7');
    assert.equal(arrayRanges([8, 0, 1, 2, 5, 7, 5]), '0-2,5,7-8');
    assert.equal(arrayRanges([3]), '3');
  });

  test('one array job with the sweep file’s resources, extra lines and setup, exec’ing the trial', () => {
    const text = sbatchScript({
      jobName: 'mla-lr',
      indices: [0, 1, 2, 3, 4, 5, 6, 7],
      maxParallel: 2,
      slurm: {
        partition: 'gpu',
        time: '02:00:00',
        mem: '8G',
        gpus: 1,
        sbatch: ['--account=lab', '--qos=short'],
        setup: ['module load nodejs/20', 'export TF_CPP_MIN_LOG_LEVEL=2'],
      },
      logDir: '/runs/.sweeps/lr/slurm',
      node: '/usr/bin/node',
      entry: '/opt/mla studio/bin/mla.js',
      planFile: '/runs/.sweeps/lr/plan.json',
    });
    assert.equal(
      text,
      [
        '#!/bin/bash',
        '#SBATCH --job-name=mla-lr',
        '#SBATCH --array=0-7%2',
        '#SBATCH --output=/runs/.sweeps/lr/slurm/%A_%a.out',
        '#SBATCH --error=/runs/.sweeps/lr/slurm/%A_%a.err',
        '#SBATCH --requeue',
        '#SBATCH --open-mode=append',
        '#SBATCH --cpus-per-task=1',
        '#SBATCH --partition=gpu',
        '#SBATCH --time=02:00:00',
        '#SBATCH --mem=8G',
        '#SBATCH --gpus=1',
        '#SBATCH --account=lab',
        '#SBATCH --qos=short',
        '',
        'set -e',
        '# setup (from the sweep file)',
        'module load nodejs/20',
        'export TF_CPP_MIN_LOG_LEVEL=2',
        '',
        'node="${MLA_NODE:-/usr/bin/node}"',
        'flags=""',
        `case "$("$node" -p 'process.versions.node.split(".")[0]')" in 20|21) flags=--experimental-wasm-relaxed-simd ;; esac`,
        'export MLA_THREADS="${SLURM_CPUS_PER_TASK:-1}"',
        '',
        '# exec: Slurm signals the trainer itself on scancel or requeue, and it checkpoints before it ends.',
        `exec "$node" $flags '/opt/mla studio/bin/mla.js' sweep-task '/runs/.sweeps/lr/plan.json' "$SLURM_ARRAY_TASK_ID" --quiet`,
        '',
      ].join('\n'),
    );
  });

  test('no limit and no optional resources: only what is needed', () => {
    const text = sbatchScript({
      jobName: 'mla-x',
      indices: [1, 3],
      maxParallel: null,
      slurm: {},
      logDir: '/l',
      node: '/n',
      entry: '/e',
      planFile: '/p',
    });
    assert.match(text, /^#SBATCH --array=1,3$/m);
    assert.doesNotMatch(text, /--partition|--time|--mem|--gpus|# setup/);
    assert.equal(shellQuote("it's"), `'it'\\''s'`);
  });
});

describe('Slurm output', () => {
  test('sbatch --parsable, squeue and the job completion log', () => {
    assert.equal(parseSbatchJobId('42\n'), '42');
    assert.equal(parseSbatchJobId('42;cluster\n'), '42');
    assert.throws(() => parseSbatchJobId('sbatch: error: Batch job submission failed'), /expected a job id/);
    assert.deepEqual(
      parseSqueue('12|0|RUNNING|None\n12|1|PENDING|JobArrayTaskLimit\n13|N/A|PENDING|None\n'),
      [
        { jobId: '12', index: 0, state: 'RUNNING', reason: 'None' },
        { jobId: '12', index: 1, state: 'PENDING', reason: 'JobArrayTaskLimit' },
      ],
    );
    const log = [
      'JobId=14 UserId=root(0) GroupId=root(0) Name=mla-lr JobState=COMPLETED Partition=debug ExitCode=0:0 ArrayJobId=12 ArrayTaskId=0',
      'JobId=15 UserId=root(0) GroupId=root(0) Name=mla-lr JobState=FAILED Partition=debug ExitCode=1:0 ArrayJobId=12 ArrayTaskId=3',
      'JobId=20 UserId=root(0) GroupId=root(0) Name=other JobState=FAILED Partition=debug ExitCode=1:0 ArrayJobId=19 ArrayTaskId=0',
    ].join('\n');
    assert.deepEqual(parseJobComp(log, new Set(['12'])), [
      { jobId: '12', index: 0, state: 'COMPLETED', reason: '', exitCode: '0:0' },
      { jobId: '12', index: 3, state: 'FAILED', reason: '', exitCode: '1:0' },
    ]);
  });

  test('sacct of an array job: one line per task, the pending rest as one summary line', () => {
    const out = [
      '12_0|COMPLETED|0:0',
      '12_1|CANCELLED by 0|0:15',
      '12_3|FAILED|3:0',
      '12_[4-7]|PENDING|0:0',
      '19_0|FAILED|1:0',
    ].join('\n');
    assert.deepEqual(parseSacct(out, new Set(['12'])), [
      { jobId: '12', index: 0, state: 'COMPLETED', reason: '', exitCode: '0:0' },
      { jobId: '12', index: 1, state: 'CANCELLED', reason: '', exitCode: '0:15' },
      { jobId: '12', index: 3, state: 'FAILED', reason: '', exitCode: '3:0' },
    ]);
    assert.deepEqual(parseSacct('Slurm accounting storage is disabled\n', new Set(['12'])), []);
  });
});

describe('Slurm options', () => {
  test('an sbatch script from the sweep file’s options filled with the settings’ defaults', () => {
    const slurm = withSlurmDefaults(
      { time: '00:10:00' },
      { time: '01:00:00', mem: '4G', sbatch: ['--qos=short'] },
    );
    const text = sbatchScript({
      jobName: 'mla-lr',
      indices: [0, 1],
      maxParallel: null,
      slurm,
      logDir: '/runs/.sweeps/lr/slurm',
      node: '/usr/bin/node',
      entry: '/opt/mla/bin/mla.js',
      planFile: '/runs/.sweeps/lr/slurm/plan-1.json',
    });
    assert.match(text, /^#SBATCH --time=00:10:00$/m);
    assert.match(text, /^#SBATCH --mem=4G$/m);
    assert.match(text, /^#SBATCH --qos=short$/m);
    assert.doesNotMatch(text, /01:00:00/);
  });
});

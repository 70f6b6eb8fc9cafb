// The run table's row model: flattening, columns, per-run and per-seed-group rows (mean ± sample std),
// sorting, filtering, differing columns, the scatter's points, the row window, selection and CSV.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { toCsv } from '../../src/shared/csv';
import { columnsOf, valueOf } from '../../src/shared/runTable/columns';
import { tableCsv } from '../../src/shared/runTable/csv';
import { differingColumns } from '../../src/shared/runTable/differing';
import { filterRows, filterRuns } from '../../src/shared/runTable/filter';
import { flattenConfig } from '../../src/shared/runTable/flatten';
import { buildRows } from '../../src/shared/runTable/rows';
import { scatterData } from '../../src/shared/runTable/scatter';
import { clickSelect, NO_SELECTION, pruneSelection } from '../../src/shared/runTable/selection';
import { clickSort, sortRows } from '../../src/shared/runTable/sort';
import type { TableRun } from '../../src/shared/runTable/types';
import { rowWindow } from '../../src/shared/runTable/window';

const close = (actual: unknown, expected: number, tol = 1e-12) =>
  assert.ok(
    typeof actual === 'number' && Math.abs(actual - expected) <= tol,
    `${String(actual)} ≠ ${expected}`,
  );

/** A 2-lr × 2-seed sweep plus one plain joint run. */
function trial(lr: number, seed: number, valFused: number, extra: Partial<TableRun> = {}): TableRun {
  return {
    runDir: `/runs/lr${lr}_s${seed}`,
    runId: `lr${lr}_s${seed}`,
    name: 'grid',
    method: 'mla',
    seed,
    state: 'completed',
    group: `grid\nlr=${lr}`,
    sweep: { name: 'grid', axes: { 'training.optimizer.lr': lr } },
    config: { 'training.optimizer.lr': lr, 'training.epochs': 30, 'mla.fusion.type': 'entropy' },
    metrics: { 'val.fused': valFused, 'test.fused': valFused - 0.01, bestEpoch: 10 + seed },
    ...extra,
  };
}
const RUNS: TableRun[] = [
  trial(0.01, 0, 0.9),
  trial(0.01, 1, 0.8),
  trial(0.001, 0, 0.7),
  trial(0.001, 1, 0.75, { state: 'failed' }),
  {
    ...trial(0.1, 0, 0.6),
    runDir: '/runs/joint_s0',
    runId: 'joint_s0',
    name: 'joint',
    method: 'joint',
    group: 'joint\nx',
    sweep: null,
    config: { 'training.optimizer.lr': 0.1, 'training.epochs': 30, 'mla.fusion.type': 'concat-head' },
    metrics: {},
  },
];
const COLUMNS = columnsOf(RUNS);
const col = (id: string) => COLUMNS.find((c) => c.id === id)!;

test('a nested config flattens to dotted keys; arrays stay one cell as JSON, non-finite numbers empty', () => {
  const flat = flattenConfig({
    training: { optimizer: { lr: 0.01, type: 'sgd' }, epochs: 30 },
    mla: { order: ['audio', 'video'], hgm: { mode: 'replace' } },
    dataset: null,
    weird: Number.NaN,
  });
  assert.deepEqual(flat, {
    'training.optimizer.lr': 0.01,
    'training.optimizer.type': 'sgd',
    'training.epochs': 30,
    'mla.order': '["audio","video"]',
    'mla.hgm.mode': 'replace',
    dataset: null,
    weird: null,
  });
});

test('columns: run facts, then axes, config keys and metrics sorted; numeric and percent told apart', () => {
  assert.deepEqual(
    COLUMNS.map((c) => c.id),
    [
      'run:name',
      'run:run',
      'run:state',
      'run:method',
      'run:seed',
      'run:n',
      'axis:training.optimizer.lr',
      'config:mla.fusion.type',
      'config:training.epochs',
      'config:training.optimizer.lr',
      'metric:bestEpoch',
      'metric:test.fused',
      'metric:val.fused',
    ],
  );
  assert.equal(col('config:mla.fusion.type').numeric, false);
  assert.equal(col('config:training.optimizer.lr').numeric, true);
  assert.equal(col('metric:val.fused').percent, true);
  assert.equal(col('metric:bestEpoch').percent, false);
  assert.equal(valueOf(RUNS[4], col('axis:training.optimizer.lr')), null);
});

test('per seed group: figures as mean and sample std (n − 1) with n; parameters shared or listed', () => {
  const rows = buildRows(RUNS, COLUMNS, 'group');
  assert.deepEqual(
    rows.map((r) => r.key),
    ['grid\nlr=0.01', 'grid\nlr=0.001', 'joint\nx'],
  );
  const [a, b, joint] = rows;
  close(a.cells['metric:val.fused'].value, 0.85);
  close(a.cells['metric:val.fused'].std, Math.sqrt(0.005)); // (0.05² + 0.05²) / 1
  assert.equal(a.cells['metric:val.fused'].n, 2);
  close(b.cells['metric:val.fused'].value, 0.725);
  close(b.cells['metric:val.fused'].std, Math.sqrt(0.00125));
  close(a.cells['metric:bestEpoch'].value, 10.5);
  assert.equal(a.cells['run:seed'].value, '0, 1');
  assert.equal(a.cells['run:run'].value, '2 runs');
  assert.equal(a.cells['run:n'].value, 2);
  assert.equal(b.cells['run:state'].value, 'completed, failed');
  assert.equal(a.cells['config:mla.fusion.type'].value, 'entropy');
  assert.equal(joint.cells['metric:val.fused'].value, null);
  assert.equal(joint.cells['metric:val.fused'].n, 0);
  assert.deepEqual(a.cells['config:training.optimizer.lr'], { value: 0.01 });
  assert.deepEqual(joint.cells['config:training.epochs'], { value: 30 });
  assert.ok(Number.isNaN(buildRows(RUNS.slice(0, 1), COLUMNS, 'group')[0].cells['metric:val.fused'].std));
  assert.deepEqual(joint.runDirs, ['/runs/joint_s0']);
});

test('sorting: numeric order, descending, secondary key breaks ties, empty cells last either way', () => {
  const rows = buildRows(RUNS, COLUMNS, 'run');
  const ids = (keys: Parameters<typeof sortRows>[1]) =>
    sortRows(rows, keys).map((r) => r.cells['run:run'].value);
  assert.deepEqual(ids([{ column: 'metric:val.fused', descending: true }]), [
    'lr0.01_s0',
    'lr0.01_s1',
    'lr0.001_s1',
    'lr0.001_s0',
    'joint_s0',
  ]);
  assert.deepEqual(ids([{ column: 'metric:val.fused', descending: false }]).at(-1), 'joint_s0');
  assert.deepEqual(
    ids([
      { column: 'run:seed', descending: false },
      { column: 'axis:training.optimizer.lr', descending: true },
    ]),
    ['lr0.01_s0', 'lr0.001_s0', 'joint_s0', 'lr0.01_s1', 'lr0.001_s1'],
  );
  // 0.001 < 0.01 < 0.1 as numbers, not as text.
  assert.deepEqual(
    sortRows(rows, [{ column: 'config:training.optimizer.lr', descending: false }]).map(
      (r) => r.cells['config:training.optimizer.lr'].value,
    ),
    [0.001, 0.001, 0.01, 0.01, 0.1],
  );
});

test('header clicks: click sorts alone and flips; shift-click adds a key and flips it in place', () => {
  let keys = clickSort([], 'a', false);
  assert.deepEqual(keys, [{ column: 'a', descending: false }]);
  keys = clickSort(keys, 'a', false);
  assert.deepEqual(keys, [{ column: 'a', descending: true }]);
  keys = clickSort(keys, 'b', true);
  assert.deepEqual(keys, [
    { column: 'a', descending: true },
    { column: 'b', descending: false },
  ]);
  keys = clickSort(keys, 'b', true);
  assert.deepEqual(keys[1], { column: 'b', descending: true });
  assert.deepEqual(clickSort(keys, 'b', false), [{ column: 'b', descending: false }]);
});

test('filters: state and method before grouping; inclusive ranges and text after; missing fails a range', () => {
  const completed = filterRuns(RUNS, { states: ['completed'], methods: [] });
  assert.equal(completed.length, 4);
  const groups = buildRows(completed, COLUMNS, 'group');
  // The failed seed is gone, so lr=0.001 is one run: 0.7 with no std.
  close(groups[1].cells['metric:val.fused'].value, 0.7);
  assert.equal(groups[1].cells['metric:val.fused'].n, 1);
  assert.equal(filterRuns(RUNS, { states: [], methods: ['joint'] }).length, 1);

  const rows = buildRows(RUNS, COLUMNS, 'run');
  const kept = (ranges: Record<string, { min: number | null; max: number | null }>, text = {}) =>
    filterRows(rows, { ranges, text }).map((r) => r.cells['run:run'].value);
  assert.deepEqual(kept({ 'metric:val.fused': { min: 0.75, max: 0.9 } }), [
    'lr0.01_s0',
    'lr0.01_s1',
    'lr0.001_s1',
  ]);
  assert.deepEqual(kept({ 'metric:val.fused': { min: null, max: 0.7 } }), ['lr0.001_s0']);
  assert.deepEqual(kept({}, { 'config:mla.fusion.type': 'CONCAT' }), ['joint_s0']);
  assert.equal(kept({ 'metric:val.fused': { min: null, max: null } }).length, 5);
});

test('only columns that differ: identical columns drop, identity columns stay, missing-vs-set differs', () => {
  const rows = buildRows(RUNS, COLUMNS, 'run');
  const ids = COLUMNS.map((c) => c.id);
  assert.deepEqual(differingColumns(ids, rows), [
    'run:name',
    'run:run',
    'run:state',
    'run:method',
    'run:seed',
    'axis:training.optimizer.lr',
    'config:mla.fusion.type',
    'config:training.optimizer.lr',
    'metric:bestEpoch',
    'metric:test.fused',
    'metric:val.fused',
  ]);
  const sweepOnly = rows.slice(0, 2);
  assert.deepEqual(differingColumns(ids, sweepOnly), [
    'run:name',
    'run:run',
    'run:seed',
    'metric:bestEpoch',
    'metric:test.fused',
    'metric:val.fused',
  ]);
});

test('scatter: numeric x sorted with its y; text x on sorted categories; rows without y left out', () => {
  const rows = buildRows(RUNS, COLUMNS, 'group');
  const numeric = scatterData(rows, 'axis:training.optimizer.lr', 'metric:val.fused');
  assert.deepEqual(numeric.xs, [0.001, 0.01]);
  close(numeric.ys[0], 0.725);
  close(numeric.ys[1], 0.85);
  assert.equal(numeric.categories, null);
  const text = scatterData(buildRows(RUNS, COLUMNS, 'run'), 'config:mla.fusion.type', 'metric:val.fused');
  assert.deepEqual(text.categories, ['entropy']);
  assert.deepEqual(text.xs, [0, 0, 0, 0]);
  assert.deepEqual(text.ys, [0.9, 0.8, 0.7, 0.75]);
});

test('row window: 1,000 rows of 24 px in a 480 px view draw 21 rows plus 8 either side', () => {
  assert.deepEqual(rowWindow(0, 480, 24, 1000), { start: 0, end: 29, offset: 0 });
  assert.deepEqual(rowWindow(2400, 480, 24, 1000), { start: 92, end: 129, offset: 2208 });
  assert.deepEqual(rowWindow(24_000, 480, 24, 1000), { start: 992, end: 1000, offset: 23_808 });
  assert.deepEqual(rowWindow(0, 480, 24, 0), { start: 0, end: 0, offset: 0 });
});

test('selection: click, ctrl-click toggles, shift-click takes the range from the anchor', () => {
  const order = ['a', 'b', 'c', 'd', 'e'];
  let s = clickSelect(NO_SELECTION, order, 'b', { shift: false, toggle: false });
  assert.deepEqual([...s.selected], ['b']);
  s = clickSelect(s, order, 'd', { shift: true, toggle: false });
  assert.deepEqual([...s.selected], ['b', 'c', 'd']);
  s = clickSelect(s, order, 'a', { shift: true, toggle: false });
  assert.deepEqual([...s.selected], ['a', 'b']);
  s = clickSelect(s, order, 'e', { shift: false, toggle: true });
  assert.deepEqual([...s.selected].sort(), ['a', 'b', 'e']);
  s = clickSelect(s, order, 'a', { shift: false, toggle: true });
  assert.deepEqual([...s.selected].sort(), ['b', 'e']);
  assert.equal(s.anchor, 'a');
  const pruned = pruneSelection(s, ['b', 'c']);
  assert.deepEqual([...pruned.selected], ['b']);
  assert.equal(pruned.anchor, null);
});

test('CSV: RFC 4180 quoting with CRLF; figures unrounded; group rows get std and n beside the mean', () => {
  assert.equal(
    toCsv(
      ['a', 'b'],
      [
        ['x,y', 'say "hi"'],
        [1.5, null],
        ['two\nlines', true],
      ],
    ),
    'a,b\r\n"x,y","say ""hi"""\r\n1.5,\r\n"two\nlines",true\r\n',
  );
  const pick = ['run:name', 'run:seed', 'axis:training.optimizer.lr', 'metric:val.fused'].map(col);
  const rows = buildRows(RUNS.slice(0, 4), COLUMNS, 'group');
  const csv = tableCsv(rows, pick, 'group').split('\r\n');
  assert.equal(csv[0], 'config,seed,training.optimizer.lr,val.fused,val.fused std,val.fused n');
  const [name, seeds, lr, mean, std, n] = csv[1].split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/);
  assert.deepEqual([name, seeds, lr], ['grid', '"0, 1"', '0.01']);
  close(Number(mean), 0.85);
  close(Number(std), Math.sqrt(0.005));
  assert.equal(n, '2');
  assert.equal(
    tableCsv(buildRows(RUNS.slice(0, 1), COLUMNS, 'run'), pick, 'run'),
    'config,seed,training.optimizer.lr,val.fused\r\ngrid,0,0.01,0.9\r\n',
  );
});

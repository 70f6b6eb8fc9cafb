// Which runs a run explorer action is for, without `vscode`: the row a click previews, and the runs Compare
// Seeds compares (a run's seed group, a config's or a seed group's runs, or the selected rows, also when it
// is run from the command palette).

import { seedGroupOf } from '../core/runs/groups';
import type { RunInfo } from '../core/runs/reader';
import type { RunTreeNode } from './runTreeModel';

/**
 * The run folder a click on a run row previews. The tree's selection is read first: VS Code selects the row
 * before it runs the row's command, and the selection is what the keyboard moved to as well.
 */
export function clickedRunDir(
  clicked: RunTreeNode | undefined,
  selection: readonly RunTreeNode[],
): string | undefined {
  const [only, ...more] = selection;
  if (only?.kind === 'run' && more.length === 0) return only.run.dir;
  return clicked?.kind === 'run' ? clicked.run.dir : undefined;
}

/** Every run below a row: itself, its seed group's runs, or all of its config's launches. */
export function runsUnder(node: RunTreeNode): RunInfo[] {
  if (node.kind === 'trial') return [];
  if (node.kind === 'run') return [node.run];
  if (node.kind === 'group') return node.runs;
  return node.groups.flatMap((g) => g.runs);
}

/**
 * What Compare Seeds compares. `clicked`: the row it was run on; `selected`: the explorer's selection that
 * came with it. Several rows: every run below them, once each. One run: the seeds launched with it. A config
 * or seed group: its runs (the comparison puts each launch in a row of its own). Null: nothing to go on,
 * so the person picks a seed group.
 */
export function compareSeedsRuns(
  clicked: RunTreeNode | undefined,
  selected: readonly RunTreeNode[] | undefined,
  all: readonly RunInfo[],
): RunInfo[] | null {
  const nodes = selected && selected.length > 1 ? selected : clicked ? [clicked] : [];
  if (nodes.length === 1 && nodes[0].kind === 'run') return seedGroupOf(nodes[0].run, all);
  const byDir = new Map<string, RunInfo>();
  for (const run of nodes.flatMap(runsUnder)) if (!byDir.has(run.dir)) byDir.set(run.dir, run);
  return byDir.size > 0 ? [...byDir.values()] : null;
}

/**
 * What Compare Seeds from the command palette compares: the explorer's selection when it names runs to
 * compare (two or more runs, or a config or seed group row), else 'ask' (the person picks a seed group).
 * One selected run is not enough: a click to preview a run leaves it selected without meaning "compare".
 */
export function paletteCompareSeedsRuns(
  selection: readonly RunTreeNode[],
  all: readonly RunInfo[],
): RunInfo[] | 'ask' {
  const runs = selection.filter((n) => n.kind === 'run').length;
  const groups = selection.some((n) => n.kind === 'config' || n.kind === 'group');
  if (runs < 2 && !groups) return 'ask';
  return compareSeedsRuns(selection[0], selection, all) ?? 'ask';
}

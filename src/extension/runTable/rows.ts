// The table's runs from the run store: the store already holds every run folder's records, so a refresh
// converts only the runs whose record changed (the store replaces a run's RunInfo when it re-reads it).

import type { RunInfo } from '../../core/runs/reader';
import { tableRunOf } from '../../core/runs/table-run';
import type { TableRun } from '../../shared/runTable/types';

export class TableRuns {
  private readonly cache = new WeakMap<RunInfo, TableRun>();

  /** The store's runs as table runs, oldest first (run ids sort by start time). */
  of(runs: readonly RunInfo[]): TableRun[] {
    return [...runs]
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((run) => {
        let row = this.cache.get(run);
        if (!row) {
          row = tableRunOf(run);
          this.cache.set(run, row);
        }
        return row;
      });
  }
}

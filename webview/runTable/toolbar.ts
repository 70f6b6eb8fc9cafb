// Above the table: rows per run or per seed group, only columns that differ, the column chooser, the state
// and method filters, Export CSV, and what to do with the selected rows (Compare Seeds, Open Dashboard).

import { columnTitle } from '../../src/shared/runTable/columns';
import type { Column, TableRun } from '../../src/shared/runTable/types';
import { defaultColumns, type ViewState } from '../../src/shared/runTable/viewState';
import { button, el } from '../dashboard/dom';

export interface ToolbarEvents {
  changed(): void;
  exportCsv(): void;
  compare(): void;
  open(): void;
  clearSelection(): void;
}

type Checkbox = HTMLElement & { checked: boolean };

export class Toolbar {
  readonly element: HTMLElement;
  private readonly filters = el('div', { class: 'toolbar filters' });
  private readonly chooser = el('details', { class: 'column-chooser' });
  private readonly actions = el('div', { class: 'toolbar actions' });
  private readonly count = el('span', { class: 'meta', 'data-role': 'count' });
  private filterKey = '';
  private chooserKey = '';

  constructor(
    private readonly state: ViewState,
    private readonly events: ToolbarEvents,
  ) {
    const group = this.checkbox(
      'One row per seed group (mean ± std)',
      state.mode === 'group',
      'group-rows',
      (on) => {
        state.mode = on ? 'group' : 'run';
      },
    );
    const differ = this.checkbox('Only columns that differ', state.onlyDiffering, 'only-differing', (on) => {
      state.onlyDiffering = on;
    });
    const main = el(
      'div',
      { class: 'toolbar' },
      group,
      differ,
      this.chooser,
      button('Export CSV', () => events.exportCsv(), { secondary: '', 'data-control': 'export-csv' }),
      this.count,
    );
    this.element = el('div', { class: 'toolbars' }, main, this.filters, this.actions);
    this.select([]);
  }

  /** The state and method filters offer what the runs have; rebuilt only when that changes. */
  update(runs: readonly TableRun[], columns: readonly Column[], shown: number, total: number): void {
    const states = [...new Set(runs.map((r) => r.state))].sort();
    const methods = [...new Set(runs.map((r) => r.method))].sort();
    const key = `${states.join(',')}|${methods.join(',')}`;
    if (key !== this.filterKey) {
      this.filterKey = key;
      this.filters.replaceChildren(
        el('span', { class: 'meta' }, 'State:'),
        ...states.map((s) => this.listBox(s, this.state.states, `state-${s}`)),
        el('span', { class: 'meta' }, 'Method:'),
        ...methods.map((m) => this.listBox(m, this.state.methods, `method-${m}`)),
      );
    }
    const chooserKey = columns.map((c) => c.id).join('\n');
    if (chooserKey !== this.chooserKey) {
      this.chooserKey = chooserKey;
      this.buildChooser(columns);
    }
    this.count.textContent = `${shown} of ${total} ${this.state.mode === 'group' ? 'seed groups' : 'runs'}`;
  }

  /** What the selection allows: Compare Seeds for any runs, Open Dashboard for a few. */
  select(runDirs: readonly string[]): void {
    if (runDirs.length === 0) {
      this.actions.replaceChildren(
        el(
          'span',
          { class: 'hint' },
          'Select rows (click, shift-click, ctrl-click or the arrow keys) to compare or open them.',
        ),
      );
      return;
    }
    this.actions.replaceChildren(
      el(
        'span',
        { class: 'meta', 'data-role': 'selected' },
        `${runDirs.length} run${runDirs.length === 1 ? '' : 's'} selected`,
      ),
      button('Compare Seeds', () => this.events.compare(), { 'data-control': 'compare' }),
      button('Open Dashboard', () => this.events.open(), { secondary: '', 'data-control': 'open' }),
      button('Clear', () => this.events.clearSelection(), { secondary: '', 'data-control': 'clear' }),
    );
  }

  private buildChooser(columns: readonly Column[]): void {
    const current = () => this.state.columns ?? defaultColumns(columns);
    const chosen = new Set(current());
    const sections = (['run', 'axis', 'config', 'metric'] as const).map((source) => {
      const of = columns.filter((c) => c.source === source);
      if (of.length === 0) return el('div');
      return el(
        'fieldset',
        { class: 'chooser-section' },
        el('legend', {}, { run: 'Run', axis: 'Sweep axes', config: 'Config', metric: 'Summary' }[source]),
        ...of.map((c) => {
          const box = el('vscode-checkbox', { label: columnTitle(c), 'data-column': c.id }) as Checkbox;
          if (chosen.has(c.id)) box.setAttribute('checked', '');
          box.addEventListener('change', () => {
            const list = current().filter((id) => id !== c.id);
            if (box.checked) list.push(c.id);
            this.state.columns = columns.map((col) => col.id).filter((id) => list.includes(id));
            this.events.changed();
          });
          return box;
        }),
      );
    });
    this.chooser.replaceChildren(
      el('summary', { 'data-control': 'columns' }, 'Columns…'),
      el('div', { class: 'chooser-body' }, ...sections),
    );
  }

  private listBox(value: string, list: string[], control: string): HTMLElement {
    return this.checkbox(value, list.includes(value), control, (on) => {
      const at = list.indexOf(value);
      if (on && at < 0) list.push(value);
      if (!on && at >= 0) list.splice(at, 1);
    });
  }

  private checkbox(
    label: string,
    checked: boolean,
    control: string,
    set: (on: boolean) => void,
  ): HTMLElement {
    const box = el('vscode-checkbox', { label, 'data-control': control }) as Checkbox;
    if (checked) box.setAttribute('checked', '');
    box.addEventListener('change', () => {
      set(box.checked);
      this.events.changed();
    });
    return box;
  }
}

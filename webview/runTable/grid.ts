// The table itself: a header (click sorts, shift-click adds a secondary key), a filter row (min/max for
// numeric columns, text for the others) and virtualised rows: only the rows in view are in the DOM, so
// 1,000 runs cost what 40 do. Rows are selected by click, ctrl/cmd-click and shift-click, or from the
// keyboard (arrows move, shift+arrows extend, space toggles, ctrl+A selects all, Enter opens).

import { columnTitle } from '../../src/shared/runTable/columns';
import {
  clickSelect,
  NO_SELECTION,
  pruneSelection,
  type Selection,
} from '../../src/shared/runTable/selection';
import type { SortKey } from '../../src/shared/runTable/sort';
import type { Column, TableRow } from '../../src/shared/runTable/types';
import { rowWindow } from '../../src/shared/runTable/window';
import type { ViewState } from '../../src/shared/runTable/viewState';
import { el } from '../dashboard/dom';
import { cellText } from './cellText';

export const ROW_HEIGHT = 24;
const FILTER_DEBOUNCE_MS = 250;

export interface GridEvents {
  sort(column: string, add: boolean): void;
  select(rows: TableRow[]): void;
  open(row: TableRow): void;
  range(column: string, min: number | null, max: number | null): void;
  text(column: string, text: string): void;
}

type Field = HTMLElement & { value: string };

export class RunGrid {
  readonly element: HTMLElement;
  private readonly head: HTMLElement;
  private readonly filters: HTMLElement;
  private readonly body: HTMLElement;
  private readonly window: HTMLElement;
  private rows: TableRow[] = [];
  private columns: Column[] = [];
  private columnKey = '';
  private selection: Selection = NO_SELECTION;
  private cursor = 0;
  private frame = 0;

  constructor(private readonly events: GridEvents) {
    this.head = el('div', { class: 'grid-row grid-head', role: 'row' });
    this.filters = el('div', { class: 'grid-row grid-filters', role: 'row' });
    this.window = el('div', { class: 'grid-window', role: 'rowgroup' });
    this.body = el('div', { class: 'grid-body' }, this.window);
    this.element = el(
      'div',
      { class: 'grid', role: 'grid', tabindex: '0', 'aria-multiselectable': 'true', 'aria-label': 'Runs' },
      this.head,
      this.filters,
      this.body,
    );
    this.element.addEventListener('scroll', () => this.schedule());
    this.element.addEventListener('keydown', (e) => this.onKey(e));
    new ResizeObserver(() => this.schedule()).observe(this.element);
  }

  get selectedRows(): TableRow[] {
    return this.rows.filter((r) => this.selection.selected.has(r.key));
  }

  /** New rows or columns: the header and filter row are rebuilt only when the columns change. */
  update(rows: TableRow[], columns: Column[], state: ViewState): void {
    this.rows = rows;
    const key = columns.map((c) => c.id).join('\n');
    if (key !== this.columnKey) {
      this.columns = columns;
      this.columnKey = key;
      const template = columns.map((c) => `${widthOf(c)}px`).join(' ');
      this.element.style.setProperty('--grid-columns', template);
      this.element.style.setProperty('--grid-width', `${columns.reduce((s, c) => s + widthOf(c), 0)}px`);
      this.buildFilters(state);
    }
    this.buildHead(state.sort);
    this.selection = pruneSelection(
      this.selection,
      rows.map((r) => r.key),
    );
    this.cursor = Math.min(this.cursor, Math.max(0, rows.length - 1));
    this.body.style.height = `${rows.length * ROW_HEIGHT}px`;
    this.element.setAttribute('aria-rowcount', String(rows.length));
    this.render();
  }

  clearSelection(): void {
    this.selection = NO_SELECTION;
    this.changedSelection();
  }

  private buildHead(sort: readonly SortKey[]): void {
    this.head.replaceChildren(
      ...this.columns.map((column) => {
        const at = sort.findIndex((k) => k.column === column.id);
        const arrow = at < 0 ? '' : `${sort[at].descending ? ' ▼' : ' ▲'}${sort.length > 1 ? at + 1 : ''}`;
        const cell = el(
          'div',
          {
            class: `grid-cell grid-header source-${column.source}`,
            role: 'columnheader',
            title: `${column.source === 'run' ? '' : `${column.source}: `}${column.key} (click: sort, shift-click: add a sort key)`,
            'aria-sort': at < 0 ? 'none' : sort[at].descending ? 'descending' : 'ascending',
            'data-column': column.id,
          },
          columnTitle(column) + arrow,
        );
        cell.addEventListener('click', (e) => this.events.sort(column.id, e.shiftKey));
        return cell;
      }),
    );
  }

  private buildFilters(state: ViewState): void {
    this.filters.replaceChildren(
      ...this.columns.map((column) => {
        const cell = el('div', { class: 'grid-cell', role: 'gridcell' });
        if (column.numeric) {
          const saved = state.ranges[column.id];
          const shown = (v: number | null | undefined) =>
            v === null || v === undefined ? null : column.percent ? Number((100 * v).toPrecision(6)) : v;
          const min = field('min', `${columnTitle(column)} at least`, shown(saved?.min));
          const max = field('max', `${columnTitle(column)} at most`, shown(saved?.max));
          const send = debounce(() => {
            this.events.range(
              column.id,
              parseBound(min.value, column.percent),
              parseBound(max.value, column.percent),
            );
          });
          min.addEventListener('input', send);
          max.addEventListener('input', send);
          cell.append(min, max);
        } else {
          const text = field('filter', `${columnTitle(column)} contains`, state.text[column.id] ?? null);
          text.addEventListener(
            'input',
            debounce(() => this.events.text(column.id, text.value)),
          );
          cell.append(text);
        }
        return cell;
      }),
    );
  }

  private schedule(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    const covered = this.head.offsetHeight + this.filters.offsetHeight;
    const win = rowWindow(
      this.element.scrollTop,
      this.element.clientHeight - covered,
      ROW_HEIGHT,
      this.rows.length,
    );
    this.window.style.transform = `translateY(${win.offset}px)`;
    const drawn: HTMLElement[] = [];
    for (let i = win.start; i < win.end; i++) drawn.push(this.rowElement(this.rows[i], i));
    this.window.replaceChildren(...drawn);
  }

  private rowElement(row: TableRow, index: number): HTMLElement {
    const selected = this.selection.selected.has(row.key);
    const node = el('div', {
      class: `grid-row${selected ? ' selected' : ''}${index === this.cursor ? ' cursor' : ''}`,
      role: 'row',
      'aria-rowindex': String(index + 1),
      'aria-selected': String(selected),
      'data-key': row.key,
    });
    for (const column of this.columns) {
      const text = cellText(row.cells[column.id], column);
      const cell = el(
        'div',
        {
          class: `grid-cell${column.numeric ? ' numeric' : ''}`,
          role: 'gridcell',
          title: text,
          'data-column': column.id,
        },
        text,
      );
      // A group of mixed states ("completed, failed") gets no state colour.
      const state = row.cells[column.id]?.value;
      if (column.id === 'run:state' && typeof state === 'string' && /^[a-z]+$/.test(state))
        cell.classList.add(`state-${state}`);
      node.append(cell);
    }
    node.addEventListener('click', (e) => {
      this.cursor = index;
      this.selection = clickSelect(this.selection, this.order(), row.key, {
        shift: e.shiftKey,
        toggle: e.ctrlKey || e.metaKey,
      });
      this.element.focus({ preventScroll: true });
      this.changedSelection();
    });
    node.addEventListener('dblclick', () => this.events.open(row));
    return node;
  }

  private order(): string[] {
    return this.rows.map((r) => r.key);
  }

  private changedSelection(): void {
    this.render();
    this.events.select(this.selectedRows);
  }

  private onKey(e: KeyboardEvent): void {
    if (e.target !== this.element || this.rows.length === 0) return;
    const page = Math.max(1, Math.floor(this.element.clientHeight / ROW_HEIGHT) - 3);
    const moves: Record<string, number> = {
      ArrowDown: 1,
      ArrowUp: -1,
      PageDown: page,
      PageUp: -page,
      Home: -this.rows.length,
      End: this.rows.length,
    };
    if (e.key in moves) {
      e.preventDefault();
      this.cursor = Math.max(0, Math.min(this.rows.length - 1, this.cursor + moves[e.key]));
      const key = this.rows[this.cursor].key;
      if (!(e.ctrlKey || e.metaKey) || e.shiftKey)
        this.selection = clickSelect(this.selection, this.order(), key, { shift: e.shiftKey, toggle: false });
      this.reveal();
      this.changedSelection();
    } else if (e.key === ' ') {
      e.preventDefault();
      this.selection = clickSelect(this.selection, this.order(), this.rows[this.cursor].key, {
        shift: false,
        toggle: true,
      });
      this.changedSelection();
    } else if (e.key === 'a' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      this.selection = { selected: new Set(this.order()), anchor: this.rows[0].key };
      this.changedSelection();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      this.events.open(this.rows[this.cursor]);
    } else if (e.key === 'Escape') {
      this.clearSelection();
    }
  }

  /** Scrolls the cursor row into view (it may not be in the DOM yet). */
  private reveal(): void {
    const covered = this.head.offsetHeight + this.filters.offsetHeight;
    const top = this.cursor * ROW_HEIGHT;
    const view = this.element.clientHeight - covered;
    if (top < this.element.scrollTop) this.element.scrollTop = top;
    else if (top + ROW_HEIGHT > this.element.scrollTop + view)
      this.element.scrollTop = top + ROW_HEIGHT - view;
  }
}

function widthOf(column: Column): number {
  if (column.id === 'run:run') return 260;
  if (column.id === 'run:name') return 180;
  if (column.source === 'run') return 90;
  // A seed group's figure reads `99.2 ± 1.2% (n=5)`.
  if (column.source === 'metric') return 170;
  return column.numeric ? 120 : 150;
}

function field(placeholder: string, label: string, value: number | string | null): Field {
  const input = el('vscode-textfield', { placeholder, 'aria-label': label, class: 'grid-filter' }) as Field;
  if (value !== null) input.value = String(value);
  return input;
}

/** A bound as typed: accuracies in percent ("85" is 0.85), empty is no bound, text that is no number too. */
function parseBound(text: string, percent: boolean): number | null {
  const t = text.trim().replace(/%$/, '');
  if (t === '') return null;
  const v = Number(t);
  if (!Number.isFinite(v)) return null;
  return percent ? v / 100 : v;
}

function debounce(run: () => void): () => void {
  let timer = 0;
  return () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(run, FILTER_DEBOUNCE_MS);
  };
}

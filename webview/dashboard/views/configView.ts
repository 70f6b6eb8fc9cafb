// The effective config of a run: every value the trainer used, the ones that differ from the defaults marked
// (the default on hover and in the row's accessible name), with a switch to list only those.

import type { ConfigEntry, RunView } from '../../../src/protocol/dashboard';
import { el } from '../dom';
import type { UiState } from '../logic/uiState';

export class ConfigView {
  private entries: ConfigEntry[] | null = null;
  private configFile: string | null = null;
  private readonly summary = el('p', { class: 'detail', 'data-field': 'config-summary' });
  private readonly tableBox = el('div', { class: 'config-table' });

  constructor(
    root: HTMLElement,
    private readonly run: RunView,
    private readonly ui: UiState,
    private readonly persist: () => void,
  ) {
    const onlyDiffering = el('vscode-checkbox', {
      label: 'Only values that differ from the defaults',
      'data-control': 'only-differing',
    });
    if (ui.config.onlyDiffering) onlyDiffering.setAttribute('checked', '');
    onlyDiffering.addEventListener('change', () => {
      this.ui.config.onlyDiffering = (onlyDiffering as HTMLElement & { checked: boolean }).checked;
      this.persist();
      this.render();
    });
    root.replaceChildren(
      el('h1', {}, `Effective config: ${run.name} seed ${run.seed ?? '?'}`),
      this.summary,
      el('div', { class: 'controls', role: 'toolbar', 'aria-label': 'Config view' }, onlyDiffering),
      this.tableBox,
    );
    this.summary.textContent = 'Loading config.json…';
  }

  onConfig(configFile: string | null, entries: ConfigEntry[] | null): void {
    this.configFile = configFile;
    this.entries = entries;
    this.render();
  }

  private render(): void {
    if (this.entries === null) {
      this.summary.textContent = `The run's config.json cannot be read: ${this.run.runDir}`;
      this.tableBox.replaceChildren();
      return;
    }
    const differing = this.entries.filter((e) => e.differs).length;
    this.summary.textContent = `${this.entries.length} values as the trainer used them (config.json); ${differing} differ from the defaults.${this.configFile ? ` Written from ${this.configFile}.` : ''}`;
    const shown = this.ui.config.onlyDiffering ? this.entries.filter((e) => e.differs) : this.entries;
    const table = el('table', { class: 'paper-table config' });
    table.append(
      el('caption', {}, 'Marked ● : not the default (hover a value for its default)'),
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          el('th', { scope: 'col' }, 'key'),
          el('th', { scope: 'col' }, 'value'),
          el('th', { scope: 'col' }, 'default'),
        ),
      ),
    );
    const body = el('tbody');
    for (const entry of shown) {
      const attrs: Record<string, string> = {
        'data-key': entry.key,
        'data-differs': String(entry.differs),
      };
      if (entry.differs) attrs.class = 'differs';
      body.append(
        el(
          'tr',
          attrs,
          el(
            'th',
            { scope: 'row' },
            el('span', { class: 'marker', 'aria-hidden': 'true' }, entry.differs ? '●' : ''),
            entry.key,
          ),
          el(
            'td',
            {
              class: 'value',
              title: `default: ${entry.defaultValue}`,
              'aria-label': entry.differs
                ? `${entry.value}, not the default ${entry.defaultValue}`
                : `${entry.value}, the default`,
            },
            entry.value,
          ),
          el('td', { class: 'default' }, entry.differs ? entry.defaultValue : ''),
        ),
      );
    }
    if (shown.length === 0)
      body.append(el('tr', {}, el('td', { colspan: '3' }, 'Every value is the default.')));
    table.append(body);
    this.tableBox.replaceChildren(table);
  }
}

// The fusion inspector: test samples picked by index or from lists, each with its per-modality class
// probabilities, entropy and fusion weight and the fused prediction; over the whole test set, the
// distribution of each modality's weight and the accuracy where the weights favour each modality. Other
// kept checkpoints are re-evaluated by the host (`mla eval`), with progress and Cancel.

import type { EvalState, FusionRecord, FusionSource, RunView } from '../../../src/protocol/dashboard';
import { LineChart } from '../charts/lineChart';
import { colorFor, chartTheme } from '../charts/theme';
import { button, el, select } from '../dom';
import {
  checkpointOptions,
  favouredStats,
  fusionRuleNote,
  sampleDetail,
  sampleList,
  SAMPLE_LISTS,
  shownClasses,
  testSetStats,
  weightHistogram,
  type SampleList,
} from '../logic/fusion';
import { num, pct } from '../logic/format';
import { rememberCheckpoint, type UiState } from '../logic/uiState';
import { isCurrentAnswer } from '../logic/requests';
import { nextRequestId, post } from '../vscodeApi';

const LIST_LIMIT = 60;
const BINS = 10;

export class FusionView {
  private source: FusionSource | null = null;
  /** The latest `evalCheckpoint`: progress and records of earlier ones are not shown. */
  private evalRequest = 0;
  private records: FusionRecord[] = [];
  /**
   * The checkpoint evaluated before this webview was rebuilt (a tab switch, a reload), asked for again;
   * until it answers, fusion.jsonl's records are held back (and shown if the evaluation fails).
   */
  private restoring: number | null = null;
  private fallback: { source: FusionSource; records: FusionRecord[] } | null = null;
  private byIndex = new Map<number, FusionRecord>();
  private readonly charts: LineChart[] = [];
  private readonly sourceBox = el('div', { class: 'source' });
  private readonly progressBox = el('div', { class: 'progress', role: 'status', 'aria-live': 'polite' });
  private readonly noteBox = el('div');
  private readonly overviewBox = el('section', { class: 'overview', 'aria-label': 'Whole test set' });
  private readonly pickerBox = el('section', { class: 'picker', 'aria-label': 'Pick test samples' });
  private readonly sampleBox = el('section', {
    class: 'sample',
    'aria-label': 'Sample detail',
    'aria-live': 'polite',
  });

  constructor(
    root: HTMLElement,
    private readonly run: RunView,
    private readonly ui: UiState,
    private readonly persist: () => void,
  ) {
    root.replaceChildren(
      el('h1', {}, `Fusion weights: ${run.name} seed ${run.seed ?? '?'}`),
      this.sourceBox,
      this.progressBox,
      this.noteBox,
      this.overviewBox,
      this.pickerBox,
      this.sampleBox,
    );
    this.sourceBox.append(el('p', { class: 'empty' }, 'Loading the fusion records…'));
    const kept = ui.fusion.checkpoint[run.runId];
    if (kept !== undefined) {
      this.restoring = kept;
      this.evaluate(kept);
    }
  }

  get modalities(): string[] {
    if (this.run.modalities.length > 0) return this.run.modalities;
    return Object.keys(this.records[0]?.probs ?? {});
  }

  /** `requestId`: the evaluation these records answer, or null for the run's fusion.jsonl. */
  onRecords(source: FusionSource, records: FusionRecord[], requestId: number | null): void {
    if (!isCurrentAnswer(requestId, this.evalRequest)) return;
    if (requestId === null && this.restoring !== null) {
      this.fallback = { source, records };
      return;
    }
    if (requestId !== null) {
      this.restoring = null;
      this.fallback = null;
      rememberCheckpoint(this.ui, this.run.runId, source.epoch);
      this.persist();
    }
    this.source = source;
    this.records = records;
    this.byIndex = new Map(records.map((r) => [r.index, r]));
    this.render();
  }

  onProgress(requestId: number, epoch: number, state: EvalState, message: string): void {
    // Progress of an evaluation the view has since replaced by another is not shown; one started before a
    // reload of the webview still is.
    if (!isCurrentAnswer(requestId, this.evalRequest)) return;
    const children: Node[] = [];
    if (state === 'running') {
      children.push(
        el('vscode-progress-ring', { 'aria-label': `Evaluating epoch ${epoch}` }),
        el('span', {}, message),
        button('Cancel', () => post({ type: 'cancelEval', runDir: this.run.runDir }), {
          secondary: '',
          'data-control': 'cancel-eval',
        }),
      );
    } else {
      children.push(el('span', { class: state === 'failed' ? 'error-text' : '' }, message));
    }
    this.progressBox.setAttribute('data-state', state);
    this.progressBox.replaceChildren(...children);
    if ((state === 'failed' || state === 'cancelled') && this.restoring !== null) {
      // The kept checkpoint is gone or could not be evaluated: back to the best epoch's records.
      this.restoring = null;
      rememberCheckpoint(this.ui, this.run.runId, null);
      this.persist();
      if (this.fallback) this.onRecords(this.fallback.source, this.fallback.records, null);
      else post({ type: 'requestFusion', runDir: this.run.runDir });
      this.fallback = null;
    }
  }

  /** Re-evaluates a kept checkpoint; the best validation epoch's records are fusion.jsonl's already. */
  private evaluate(epoch: number): void {
    if (this.source && epoch === this.source.bestEpoch && this.restoring === null) {
      rememberCheckpoint(this.ui, this.run.runId, null);
      this.persist();
      if (this.source.origin !== 'fusion.jsonl') post({ type: 'requestFusion', runDir: this.run.runDir });
      return;
    }
    this.evalRequest = nextRequestId();
    post({
      type: 'evalCheckpoint',
      requestId: this.evalRequest,
      runDir: this.run.runDir,
      epoch,
      reuse: this.restoring !== null,
    });
  }

  redraw(): void {
    if (this.source) this.render();
  }

  private render(): void {
    const source = this.source!;
    this.renderSource(source);
    const note = fusionRuleNote(source.fusionType, this.run.method);
    this.noteBox.replaceChildren(
      ...(note
        ? [el('p', { class: 'notice notice-warning', role: 'note', 'data-field': 'fusion-rule' }, note)]
        : []),
    );
    this.renderOverview(source);
    this.renderPicker();
    this.renderSample();
  }

  private renderSource(source: FusionSource): void {
    const where =
      source.origin === 'eval'
        ? `re-evaluated from the checkpoint with mla eval${source.scores?.partial ? ' (taken mid-epoch by a stop)' : ''}`
        : 'the best validation epoch, from fusion.jsonl';
    const choices = checkpointOptions(source.checkpoints, source.bestEpoch);
    const options = choices.map((c) => ({ value: String(c.epoch), label: c.label }));
    const picked = {
      epoch: source.checkpoints.includes(source.epoch) ? source.epoch : (choices[0]?.epoch ?? 0),
    };
    const controls =
      options.length > 0
        ? [
            select('Checkpoint', options, String(picked.epoch), (v) => (picked.epoch = Number(v)), {
              'data-control': 'checkpoint',
            }),
            button('Evaluate', () => this.evaluate(picked.epoch), {
              'data-control': 'evaluate',
              'aria-label': 'Re-evaluate the chosen checkpoint on the test split',
            }),
          ]
        : [el('span', { class: 'detail' }, 'No kept checkpoint to re-evaluate.')];
    this.sourceBox.replaceChildren(
      el(
        'p',
        { 'data-field': 'source', 'data-epoch': String(source.epoch) },
        `${this.records.length} test samples at epoch ${source.epoch}: ${where}.`,
      ),
      el('div', { class: 'controls', role: 'toolbar', 'aria-label': 'Checkpoint' }, ...controls),
    );
  }

  private renderOverview(source: FusionSource): void {
    for (const c of this.charts) c.destroy();
    this.charts.length = 0;
    const modalities = this.modalities;
    const stats = testSetStats(this.records, modalities);
    const correct = this.records.filter((r) => r.correct).length;
    const accuracy = el(
      'p',
      { class: 'big-figures' },
      el(
        'span',
        { 'data-field': 'fused-accuracy', 'data-value': String(stats.fusedAccuracy) },
        `Fused accuracy ${pct(stats.fusedAccuracy)} (${correct}/${stats.samples})`,
      ),
      ...modalities.map((m) =>
        el(
          'span',
          { 'data-field': `accuracy-${m}`, 'data-value': String(stats.modalityAccuracy[m]) },
          `${m} alone ${pct(stats.modalityAccuracy[m])}`,
        ),
      ),
    );
    const children: Node[] = [el('h2', {}, 'Whole test set'), accuracy];
    if (source.scores)
      children.push(
        el(
          'p',
          { class: 'detail' },
          `mla eval: validation ${pct(source.scores.val.fused)}, test ${pct(source.scores.test.fused)} fused.`,
        ),
      );
    const hasWeights = this.records.some((r) => Object.keys(r.weights).length > 0);
    if (hasWeights) {
      const fav = favouredStats(this.records, modalities);
      const table = el('table', { class: 'paper-table favoured' });
      table.append(
        el('caption', {}, 'Where the fusion weights favour each modality (its weight is the largest)'),
      );
      const head = el('tr');
      for (const h of ['modality', 'samples', 'fused accuracy', 'modality alone', 'mean weight'])
        head.append(el('th', { scope: 'col' }, h));
      table.append(el('thead', {}, head));
      const body = el('tbody');
      for (const f of fav)
        body.append(
          el(
            'tr',
            { 'data-modality': f.modality },
            el('th', { scope: 'row' }, f.modality),
            el('td', {}, String(f.samples)),
            el('td', {}, pct(f.fusedAccuracy)),
            el('td', {}, pct(f.modalityAccuracy)),
            el('td', {}, num(f.meanWeight, 3)),
          ),
        );
      table.append(body);
      const grid = el('div', { class: 'chart-grid small' });
      children.push(
        el('h3', {}, `Distribution of each modality's fusion weight (${BINS} bins over 0–1)`),
        grid,
        table,
      );
      this.overviewBox.replaceChildren(...children);
      const x = Array.from({ length: BINS }, (_, i) => (i + 0.5) / BINS);
      modalities.forEach((m, i) => {
        const box = el('div', { class: 'chart-box' });
        grid.append(el('figure', { class: 'chart-figure' }, el('h4', { class: 'chart-title' }, m), box));
        this.charts.push(
          new LineChart(
            box,
            {
              title: `${m}: fusion weight distribution`,
              xLabel: 'weight',
              yLabel: 'samples',
              bars: true,
              height: 150,
              lines: [{ label: m, colorIndex: i }],
              formatX: (v) => `${(v - 0.05).toFixed(1)}–${(v + 0.05).toFixed(1)}`,
            },
            [x, weightHistogram(this.records, m, BINS)],
          ),
        );
      });
    } else {
      this.overviewBox.replaceChildren(...children);
    }
  }

  private renderPicker(): void {
    const list = this.ui.fusion.list;
    const indices = sampleList(this.records, list, LIST_LIMIT, this.ui.fusion.randomSeed);
    const total =
      list === 'random' || list === 'all'
        ? this.records.length
        : sampleList(this.records, list, Infinity).length;
    const input = el('vscode-textfield', {
      type: 'number',
      min: '0',
      max: String(Math.max(0, this.records.length - 1)),
      placeholder: 'test sample #',
      'aria-label': 'Test sample position',
      'data-control': 'sample-index',
      value: this.ui.fusion.sample === null ? '' : String(this.ui.fusion.sample),
    });
    const show = () => {
      const v = Number((input as HTMLElement & { value: string }).value);
      if (Number.isInteger(v) && this.byIndex.has(v)) this.pick(v);
    };
    input.addEventListener('keydown', (e) => {
      if ((e as KeyboardEvent).key === 'Enter') show();
    });
    const chips = el('div', { class: 'chips', role: 'list', 'aria-label': `${total} samples in this list` });
    for (const index of indices) {
      const r = this.byIndex.get(index)!;
      const chip = el(
        'button',
        {
          class: `sample-chip ${r.correct ? 'right' : 'wrong'}`,
          role: 'listitem',
          'aria-pressed': String(this.ui.fusion.sample === index),
          'aria-label': `sample ${index}, ${r.correct ? 'right' : 'wrong'}`,
          'data-index': String(index),
        },
        `#${index}`,
      );
      chip.addEventListener('click', () => this.pick(index));
      chips.append(chip);
    }
    this.pickerBox.replaceChildren(
      el('h2', {}, 'Samples'),
      el(
        'div',
        { class: 'controls', role: 'toolbar', 'aria-label': 'Sample lists' },
        select(
          'List',
          SAMPLE_LISTS.map((l) => ({ value: l.id, label: l.label })),
          list,
          (v) => {
            this.ui.fusion.list = v as SampleList;
            this.persist();
            this.renderPicker();
          },
          { 'data-control': 'list' },
        ),
        ...(list === 'random'
          ? [
              button(
                'Shuffle',
                () => {
                  this.ui.fusion.randomSeed++;
                  this.persist();
                  this.renderPicker();
                },
                { secondary: '' },
              ),
            ]
          : []),
        el('div', { class: 'field' }, el('vscode-label', {}, 'Sample #'), input),
        button('Show', show, { secondary: '', 'data-control': 'show-sample' }),
      ),
      el(
        'p',
        { class: 'detail' },
        `${total} sample(s) in this list${total > LIST_LIMIT ? `; the first ${LIST_LIMIT} are shown` : ''}.`,
      ),
      chips,
    );
  }

  private pick(index: number): void {
    this.ui.fusion.sample = index;
    this.persist();
    this.pickerBox
      .querySelectorAll('.sample-chip')
      .forEach((c) => c.setAttribute('aria-pressed', String(c.getAttribute('data-index') === String(index))));
    this.renderSample();
  }

  private renderSample(): void {
    const index =
      this.ui.fusion.sample ?? sampleList(this.records, this.ui.fusion.list, 1)[0] ?? this.records[0]?.index;
    const record = index === undefined ? undefined : this.byIndex.get(index);
    if (!record) {
      this.sampleBox.replaceChildren(el('p', { class: 'empty' }, 'Pick a sample.'));
      return;
    }
    const classes = this.source!.classes;
    const name = (c: number) => `${c} (${classes[c] ?? c})`;
    const d = sampleDetail(record, this.modalities);
    const theme = chartTheme();
    const shown = shownClasses(d);
    const card = (title: string, probs: number[], colorIndex: number, facts: string[], field: string) => {
      const rows = shown.map((c) => {
        const p = probs[c] ?? 0;
        const bar = el('span', { class: 'bar' });
        bar.style.width = `${Math.max(0, Math.min(100, 100 * p))}%`;
        bar.style.background = colorFor(theme, colorIndex);
        return el(
          'div',
          {
            class: `prob-row${c === d.label ? ' true-class' : ''}`,
            role: 'img',
            'aria-label': `${title}: class ${classes[c] ?? c} ${(100 * p).toFixed(1)}%${c === d.label ? ' (true class)' : ''}`,
          },
          el('span', { class: 'prob-label' }, classes[c] ?? String(c)),
          el('span', { class: 'bar-track' }, bar),
          el('span', { class: 'prob-value' }, `${(100 * p).toFixed(1)}%`),
        );
      });
      return el(
        'div',
        { class: 'prob-card', 'data-card': field },
        el('h3', {}, title),
        el('p', { class: 'facts' }, facts.join(' · ')),
        ...rows,
      );
    };
    const cards = d.modalities.map((m, i) =>
      m.present
        ? card(
            m.modality,
            m.probs,
            i,
            [
              `predicts ${name(m.prediction)} ${m.correct ? '✓' : '✗'}`,
              `entropy ${num(m.entropy, 3)}`,
              `weight ${m.weight === null ? '–' : num(m.weight, 3)}`,
            ],
            m.modality,
          )
        : el(
            'div',
            { class: 'prob-card missing', 'data-card': m.modality },
            el('h3', {}, m.modality),
            el('p', {}, 'missing for this sample'),
          ),
    );
    cards.push(card('fused', d.fused, -1, [`entropy ${num(d.fusedEntropy, 3)}`], 'fused'));
    this.sampleBox.replaceChildren(
      el(
        'h2',
        { 'data-field': 'sample-title', 'data-index': String(d.index) },
        `Test sample #${d.index} (dataset row ${d.id})`,
      ),
      el(
        'p',
        { class: 'verdict', 'data-field': 'verdict' },
        el('span', { 'data-field': 'label' }, `True class ${name(d.label)}`),
        ' · ',
        el('span', { 'data-field': 'prediction' }, `fused prediction ${name(d.prediction)}`),
        ' · ',
        el(
          'strong',
          { class: d.correct ? 'right' : 'wrong', 'data-field': 'correct' },
          d.correct ? 'right' : 'wrong',
        ),
      ),
      el('div', { class: 'prob-cards' }, ...cards),
    );
  }
}

// Checks no JSON Schema can express: the config against its dataset (modality names, sample shapes, the val
// split) and rules that tie two keys together. Each check looks only at values of the right type, because the
// schema checks have already reported the wrong ones.

import { getNodeValue, type Node } from 'jsonc-parser';
import type { DatasetOutline } from './datasetOutline';
import {
  ENCODER_SAMPLE_RANKS,
  OPTIMIZER_KEY_DEFAULTS,
  DEFAULT_FEATURE_DIM,
  DEFAULT_OPTIMIZER,
  GBLENDING_DEFAULTS,
  OGM_DEFAULTS,
  TRAINING_DEFAULTS,
} from './defaults';
import {
  describeValue,
  fromPointer,
  keyNodeOf,
  nodeAtPointer,
  objectEntries,
  toPointer,
  type LineIndex,
} from './jsonText';
import { estimateMemory, memoryProblem } from './memoryEstimate';
import { rawEncoderFor, resolveEncoder, resolveOptimizer } from './resolve';
import { didYouMean, editDistance, quoteList } from './suggest';
import type { Diagnostic, DiagnosticFix, EncoderConfig, EncoderType } from './types';
import { METHOD_OPTION_BLOCKS } from './method-blocks';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

class Reporter {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    private readonly root: Node,
    private readonly lines: LineIndex,
    private readonly taken: Set<string>,
  ) {}

  node(pointer: string): Node | undefined {
    return nodeAtPointer(this.root, pointer);
  }

  /** Reports at the value (or at its key with `onKey`); at the nearest existing ancestor if it is absent. */
  report(
    severity: Diagnostic['severity'],
    pointer: string,
    message: string,
    onKey = false,
    fixes?: (target: Node) => DiagnosticFix[],
  ): Diagnostic | undefined {
    if (this.taken.has(pointer)) return undefined;
    let p = pointer;
    let node = this.node(p);
    while (!node && p !== '') {
      p = toPointer(fromPointer(p).slice(0, -1));
      node = this.node(p);
    }
    if (!node) return undefined;
    const target = onKey ? (keyNodeOf(node) ?? node) : node;
    const d: Diagnostic = { severity, message, pointer, range: this.lines.nodeRange(target) };
    const found = fixes && p === pointer ? fixes(target) : [];
    if (found.length > 0) d.fixes = found;
    this.diagnostics.push(d);
    return d;
  }

  /** A warning about something the run will not do as written. */
  reportIgnored(
    pointer: string,
    message: string,
    onKey = false,
    fixes?: (target: Node) => DiagnosticFix[],
  ): void {
    const d = this.report('warning', pointer, message, onKey, fixes);
    if (d) d.changesRun = true;
  }

  /** One fix per dataset modality, the closest spelling first: replace the misspelt string node. */
  renameTo(target: Node, names: string[], word: string): DiagnosticFix[] {
    const range = this.lines.nodeRange(target);
    return [...names]
      .sort((a, b) => editDistance(word, a) - editDistance(word, b))
      .map((name) => ({ title: `Change to '${name}'`, edits: [{ range, newText: JSON.stringify(name) }] }));
  }

  /** Appends `items` to the array `target` (before its closing bracket). */
  appendTo(target: Node, items: string[]): DiagnosticFix[] {
    const end = this.lines.position(target.offset + target.length - 1);
    const prefix = (target.children ?? []).length > 0 ? ', ' : '';
    const text = prefix + items.map((m) => JSON.stringify(m)).join(', ');
    return [
      {
        title: `Add ${quoteList(items)} to mla.order`,
        edits: [{ range: { start: end, end }, newText: text }],
      },
    ];
  }
}

export function semanticDiagnostics(
  root: Node,
  lines: LineIndex,
  outline: DatasetOutline,
  alreadyReported: Diagnostic[],
): Diagnostic[] {
  const r = new Reporter(root, lines, new Set(alreadyReported.map((d) => d.pointer)));
  const config = getNodeValue(root) as unknown;
  if (!isObj(config)) return [];
  reportDatasetProblems(r, outline);
  const names = outline.modalities.map((m) => m.name);
  if (names.length > 0) {
    const order = checkOrder(r, config, names);
    checkEncoderNames(r, config, names);
    checkFixedWeights(r, config, names, order);
    checkEncoderShapes(r, config, outline);
    checkValFraction(r, config, outline);
  }
  checkTransformers(r, config);
  checkMethodKeys(r, config);
  checkCosine(r, config);
  checkMemory(r, config, outline);
  return r.diagnostics;
}

function reportDatasetProblems(r: Reporter, outline: DatasetOutline): void {
  for (const p of outline.problems) {
    if (outline.manifestPath === null) {
      // The schema already reported the inline manifest's structure, with better ranges.
      if (p.kind === 'structure') continue;
      r.report(p.severity, '/dataset' + p.pointer, p.message);
    } else {
      const where = p.location ? `${p.location}: ` : '';
      r.report(p.severity, '/dataset', `dataset: ${where}${p.message}`);
    }
  }
}

function unknownModality(name: string, names: string[], extra = ''): string {
  return `'${name}' is not a modality of the dataset: expected ${extra}one of ${quoteList(names)}${didYouMean(name, names)}`;
}

/** Returns the effective alternation order (the manifest's when `mla.order` is absent or unusable). */
function checkOrder(r: Reporter, config: Obj, names: string[]): string[] {
  const mla = isObj(config.mla) ? config.mla : {};
  if (!Array.isArray(mla.order)) return names;
  const order = mla.order as unknown[];
  let unknown = 0;
  order.forEach((m, i) => {
    if (typeof m !== 'string' || names.includes(m)) return;
    unknown++;
    r.report('error', `/mla/order/${i}`, unknownModality(m, names), false, (t) => r.renameTo(t, names, m));
  });
  // With a misspelt entry the omission is the same mistake; one message is enough.
  const missing = names.filter((m) => !order.includes(m));
  if (missing.length > 0 && unknown === 0 && (config.method ?? 'mla') === 'mla') {
    r.reportIgnored(
      '/mla/order',
      `mla.order omits ${quoteList(missing)}: ${missing.length > 1 ? 'these modalities are' : 'this modality is'} never trained (dataset modalities: ${quoteList(names)})`,
      false,
      (t) => r.appendTo(t, missing),
    );
  }
  return order.filter((m): m is string => typeof m === 'string');
}

function checkEncoderNames(r: Reporter, config: Obj, names: string[]): void {
  const model = isObj(config.model) ? config.model : {};
  if (!isObj(model.encoders)) return;
  for (const key of Object.keys(model.encoders)) {
    if (key === 'default' || names.includes(key)) continue;
    r.report(
      'error',
      toPointer(['model', 'encoders', key]),
      `model.encoders: ${unknownModality(key, names, `'default' or `)}`,
      true,
      (t) => r.renameTo(t, names, key),
    );
  }
}

function checkFixedWeights(r: Reporter, config: Obj, names: string[], order: string[]): void {
  const mla = isObj(config.mla) ? config.mla : {};
  const fusion = isObj(mla.fusion) ? mla.fusion : {};
  if (fusion.type !== 'fixed') return;
  const weights = fusion.weights;
  const pointer = '/mla/fusion/weights';
  let values: unknown[];
  if (Array.isArray(weights)) {
    if (weights.length !== order.length) {
      r.report(
        'error',
        pointer,
        `fixed weights: expected ${order.length} weights, one per modality of mla.order (${quoteList(order)}), found ${weights.length}`,
      );
      return;
    }
    values = weights;
  } else if (isObj(weights)) {
    for (const key of Object.keys(weights)) {
      if (!names.includes(key))
        r.report('error', `${pointer}/${key}`, `fixed weights: ${unknownModality(key, names)}`, true);
    }
    const missing = order.filter((m) => !(m in weights));
    if (missing.length > 0) {
      r.report(
        'error',
        pointer,
        `fixed weights: expected a weight for every modality of mla.order (${quoteList(order)}), missing ${quoteList(missing)}`,
      );
      return;
    }
    values = order.map((m) => weights[m]);
  } else {
    return;
  }
  if (
    values.every((v) => typeof v === 'number' && v >= 0) &&
    (values as number[]).reduce((a, b) => a + b, 0) <= 0
  ) {
    r.report(
      'error',
      pointer,
      `fixed weights: expected a positive sum, found ${describeValue(weights)} (all zero)`,
    );
  }
}

function checkEncoderShapes(r: Reporter, config: Obj, outline: DatasetOutline): void {
  const model = isObj(config.model) ? config.model : {};
  const mismatches = new Map<string, { type: EncoderType; modalities: string[] }>();
  for (const m of outline.modalities) {
    if (m.sampleShape === null) continue;
    const { raw, key } = rawEncoderFor(model.encoders, m.name);
    if (key === null || !isObj(raw)) continue;
    if (raw.type !== undefined && !(typeof raw.type === 'string' && raw.type in ENCODER_SAMPLE_RANKS))
      continue;
    const type = resolveEncoder(raw).type;
    const ranks = ENCODER_SAMPLE_RANKS[type].ranks;
    if (ranks === null || ranks.includes(m.sampleShape.length)) continue;
    const entry = mismatches.get(key) ?? { type, modalities: [] };
    entry.modalities.push(`'${m.name}' has samples of shape [${m.sampleShape.join(', ')}]`);
    mismatches.set(key, entry);
  }
  for (const [key, { type, modalities }] of mismatches) {
    const base = toPointer(['model', 'encoders', key]);
    const typeNode = r.node(`${base}/type`);
    const which = key === 'default' ? `the default encoder '${type}'` : `encoder '${type}'`;
    const hint =
      key === 'default'
        ? ' (give such modalities their own encoder, e.g. mlp)'
        : ' (use mlp, which flattens any shape)';
    r.report(
      'error',
      typeNode ? `${base}/type` : base,
      `${which} needs ${ENCODER_SAMPLE_RANKS[type].words}, but ${modalities.join(', ')}${hint}`,
    );
  }
}

function checkValFraction(r: Reporter, config: Obj, outline: DatasetOutline): void {
  const training = isObj(config.training) ? config.training : {};
  if (typeof training.valFraction !== 'number') return;
  if (training.valFraction === 0 && !outline.hasVal) {
    r.report(
      'error',
      '/training/valFraction',
      'valFraction 0 leaves no validation split for model selection: expected 0 < valFraction < 1, or a splits.val file in the dataset manifest',
    );
  } else if (outline.hasVal && training.valFraction > 0) {
    r.reportIgnored(
      '/training/valFraction',
      'valFraction is ignored: the dataset manifest has its own splits.val',
    );
  }
}

/** Refuses a model that could not fit in memory, before anything is allocated or written. */
function checkMemory(r: Reporter, config: Obj, outline: DatasetOutline): void {
  const model = isObj(config.model) ? config.model : {};
  const mla = isObj(config.mla) ? config.mla : {};
  const hgm = isObj(mla.hgm) ? mla.hgm : {};
  const training = isObj(config.training) ? config.training : {};
  const featureDim = typeof model.featureDim === 'number' ? model.featureDim : DEFAULT_FEATURE_DIM;
  const batchSize = typeof training.batchSize === 'number' ? training.batchSize : TRAINING_DEFAULTS.batchSize;
  const modalities = [];
  for (const m of outline.modalities) {
    const encoder = resolveEncoder(rawEncoderFor(model.encoders, m.name).raw) as EncoderConfig | undefined;
    // An unknown encoder type has been reported by the schema; its size is unknowable.
    if (!encoder) continue;
    modalities.push({ sampleShape: m.sampleShape, encoder });
  }
  const optimizer = resolveOptimizer(training.optimizer);
  const estimate = estimateMemory({
    featureDim,
    classes: outline.classes?.length ?? 2,
    batchSize,
    optimizerSlots: optimizer.type === 'sgd' ? (optimizer.momentum > 0 ? 1 : 0) : 2,
    projector: (config.method ?? 'mla') === 'mla' && hgm.mode !== 'off',
    modalities,
  });
  if (!Number.isFinite(estimate.total)) return;
  const problem = memoryProblem(estimate);
  if (problem) r.report('error', '/model/featureDim', `model.featureDim ${featureDim}: ${problem}`);
}

function checkTransformers(r: Reporter, config: Obj): void {
  const model = isObj(config.model) ? config.model : {};
  if (!isObj(model.encoders)) return;
  for (const [key, raw] of Object.entries(model.encoders)) {
    if (!isObj(raw) || raw.type !== 'transformer') continue;
    const e = resolveEncoder(raw);
    if (e.type !== 'transformer' || !Number.isInteger(e.dim) || !Number.isInteger(e.heads) || e.heads < 1)
      continue;
    if (e.dim % e.heads === 0) continue;
    const base = toPointer(['model', 'encoders', key]);
    const at = 'dim' in raw ? `${base}/dim` : 'heads' in raw ? `${base}/heads` : base;
    r.report(
      'error',
      at,
      `transformer: expected dim divisible by heads, found dim ${e.dim} and heads ${e.heads}`,
    );
  }
}

/** What each method other than MLA lacks of MLA's options, for the ignored-block message. */
const NO_MLA_BLOCK: Record<string, string> = {
  joint: 'joint training has no alternation, HGM or fusion',
  unimodal:
    'unimodal training has no alternation, HGM or fusion: the fused prediction averages probabilities',
  'ogm-ge': 'OGM-GE trains jointly: no alternation, HGM or fusion; its options are in ogm',
  mmpareto: 'MMPareto trains jointly: no alternation, HGM or fusion; its options are in mmpareto',
  gblending: 'G-Blending trains jointly: no alternation, HGM or fusion; its options are in gblending',
  reconboost:
    'ReconBoost boosts one modality per stage on the joint head: no HGM or fusion; its options are in reconboost',
};

function checkMethodKeys(r: Reporter, config: Obj): void {
  const method = typeof config.method === 'string' ? config.method : 'mla';
  if (method in NO_MLA_BLOCK && 'mla' in config) {
    r.reportIgnored(
      '/mla',
      `the 'mla' block is ignored with method '${method}' (${NO_MLA_BLOCK[method]})`,
      true,
    );
  }
  for (const [block, owner] of Object.entries(METHOD_OPTION_BLOCKS)) {
    if (method === owner || !(block in config)) continue;
    r.reportIgnored(
      `/${block}`,
      `the '${block}' block is ignored with method '${method}' (it configures method '${owner}')`,
      true,
    );
  }
  if (method === 'ogm-ge') checkOgmWindow(r, config);
  if (method === 'gblending') checkGblendingWarmup(r, config);
}

/** The weights are measured after the warm-up and used from the next epoch: one must remain to use them. */
function checkGblendingWarmup(r: Reporter, config: Obj): void {
  const g = isObj(config.gblending) ? config.gblending : {};
  const training = isObj(config.training) ? config.training : {};
  const epochs = typeof training.epochs === 'number' ? training.epochs : TRAINING_DEFAULTS.epochs;
  const warmup = typeof g.warmupEpochs === 'number' ? g.warmupEpochs : GBLENDING_DEFAULTS.warmupEpochs;
  if (warmup >= epochs) {
    r.report(
      'error',
      isObj(config.gblending) && 'warmupEpochs' in g ? '/gblending/warmupEpochs' : '/method',
      `gblending: expected warmupEpochs below training.epochs (${epochs}), found ${warmup}: the blending weights would never be used`,
    );
  }
}

/** The modulation window must be non-empty and overlap the training epochs, or OGM-GE is joint training. */
function checkOgmWindow(r: Reporter, config: Obj): void {
  const ogm = isObj(config.ogm) ? config.ogm : {};
  const training = isObj(config.training) ? config.training : {};
  const epochs = typeof training.epochs === 'number' ? training.epochs : TRAINING_DEFAULTS.epochs;
  const start = typeof ogm.start === 'number' ? ogm.start : OGM_DEFAULTS.start;
  const end = typeof ogm.end === 'number' ? ogm.end : epochs;
  if (start > end) {
    r.report('error', '/ogm/start', `ogm: expected start ≤ end, found start ${start} and end ${end}`);
  } else if (start > epochs) {
    r.report(
      'warning',
      '/ogm/start',
      `ogm.start ${start} is after the last epoch (${epochs}): no gradient is modulated, the run is joint training`,
    );
  }
}

function checkCosine(r: Reporter, config: Obj): void {
  const training = isObj(config.training) ? config.training : {};
  const schedule = isObj(training.lrSchedule) ? training.lrSchedule : {};
  if (schedule.type !== 'cosine' || typeof schedule.minLr !== 'number') return;
  const optimizer = training.optimizer;
  const lr = isObj(optimizer)
    ? typeof optimizer.lr === 'number'
      ? optimizer.lr
      : OPTIMIZER_KEY_DEFAULTS.lr
    : DEFAULT_OPTIMIZER.lr;
  if (schedule.minLr > lr) {
    r.report(
      'warning',
      '/training/lrSchedule/minLr',
      `cosine minLr ${schedule.minLr} is above the base lr ${lr}: the rate would rise`,
    );
  }
}

/** JSON allows duplicate keys but the last silently wins (in Python too): worth a warning. */
export function duplicateKeyWarnings(root: Node, lines: LineIndex): Diagnostic[] {
  const out: Diagnostic[] = [];
  const walk = (node: Node, path: (string | number)[]) => {
    if (node.type === 'object') {
      const seen = new Set<string>();
      for (const { key, keyNode, valueNode } of objectEntries(node)) {
        if (seen.has(key)) {
          out.push({
            severity: 'warning',
            message: `duplicate key '${key}': only the last one counts`,
            changesRun: true,
            pointer: toPointer([...path, key]),
            range: lines.nodeRange(keyNode),
          });
        }
        seen.add(key);
        walk(valueNode, [...path, key]);
      }
    } else if (node.type === 'array') {
      (node.children ?? []).forEach((child, i) => walk(child, [...path, i]));
    }
  };
  walk(root, []);
  return out;
}

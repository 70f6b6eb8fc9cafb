// Reads a `*.sweep.json` into a SweepSpec: syntax, then the shipped sweep schema (the same checker configs
// use), then what a schema cannot say (keys that name config keys, one distribution per random axis, a base
// file that exists). Every problem is located: file, line, column.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { getNodeValue, type Node } from 'jsonc-parser';
import schemaJson from '../../../schemas/sweep.schema.json';
import { LineIndex, objectEntries, parseStrictJson, toPointer } from '../config/jsonText';
import { checkAgainstSchema, type SchemaNode } from '../config/schemaCheck';
import { keyToPointer } from './keys';
import { DEFAULT_METRIC, type Axis, type Distribution, type SweepDiagnostic, type SweepSpec } from './types';

export const SWEEP_SCHEMA = schemaJson as SchemaNode;

export interface ParsedSweep {
  spec: SweepSpec | null;
  diagnostics: SweepDiagnostic[];
  /** The syntax tree, to point later errors (from expanded configs) at the axis values that caused them. */
  root: Node | undefined;
  lines: LineIndex;
  file: string;
}

const RANDOM_OPTIONS = new Set(['samples', 'seed']);

export function parseSweep(text: string, file: string): ParsedSweep {
  const lines = new LineIndex(text);
  const diagnostics: SweepDiagnostic[] = [];
  const error = (node: Node | undefined, pointer: string, message: string) =>
    diagnostics.push({
      file,
      severity: 'error',
      message,
      pointer,
      range: node ? lines.nodeRange(node) : lines.range(0, 0),
    });
  const { root, problems } = parseStrictJson(text);
  if (!root || problems.length > 0) {
    for (const p of problems) {
      diagnostics.push({
        file,
        severity: 'error',
        message: p.message,
        pointer: '',
        range: lines.range(p.offset, p.length),
      });
    }
    return { spec: null, diagnostics, root, lines, file };
  }
  for (const d of checkAgainstSchema(root, SWEEP_SCHEMA, lines)) {
    diagnostics.push({ ...d, file, message: d.message.replace(/^the config:/, 'the sweep:') });
  }
  if (diagnostics.some((d) => d.severity === 'error')) return { spec: null, diagnostics, root, lines, file };

  const raw = getNodeValue(root) as Record<string, unknown>;
  const sections = new Map(objectEntries(root).map((e) => [e.key, e.valueNode]));
  const seen = new Map<string, string>();
  const claim = (keyNode: Node, key: string, section: string): string | null => {
    const sweepPointer = toPointer([section, key]);
    const pointer = keyToPointer(key);
    if (pointer === null) {
      error(
        keyNode,
        sweepPointer,
        `${section}: "${key}" names no config key: expected a dotted path such as "training.optimizer.lr" or a JSON pointer such as "/training/optimizer/lr"`,
      );
      return null;
    }
    if (pointer === '/seeds') {
      error(
        keyNode,
        sweepPointer,
        `${section}: seeds are the sweep's own axis: write "seeds": [...] at the top level of the sweep`,
      );
      return null;
    }
    const earlier = seen.get(pointer);
    if (earlier !== undefined) {
      error(
        keyNode,
        sweepPointer,
        `${section}: "${key}" is already set by ${earlier}: expected each config key in one place`,
      );
      return null;
    }
    seen.set(pointer, `${section} "${key}"`);
    return pointer;
  };

  const axes: Axis[] = [];
  const gridNode = sections.get('grid');
  for (const { key, keyNode, valueNode } of gridNode ? objectEntries(gridNode) : []) {
    const pointer = claim(keyNode, key, 'grid');
    if (pointer === null) continue;
    const values = getNodeValue(valueNode) as unknown[];
    axes.push({ key, pointer, kind: 'grid', values, sweepPointer: toPointer(['grid', key]) });
  }
  const randomNode = sections.get('random');
  for (const { key, keyNode, valueNode } of randomNode ? objectEntries(randomNode) : []) {
    if (RANDOM_OPTIONS.has(key)) continue;
    const pointer = claim(keyNode, key, 'random');
    if (pointer === null) continue;
    const distribution = getNodeValue(valueNode) as Distribution;
    const problem = distributionProblem(distribution);
    if (problem) {
      error(valueNode, toPointer(['random', key]), `random "${key}": ${problem}`);
      continue;
    }
    axes.push({ key, pointer, kind: 'random', distribution, sweepPointer: toPointer(['random', key]) });
  }
  const overrides: SweepSpec['overrides'] = [];
  const overridesNode = sections.get('overrides');
  for (const { key, keyNode, valueNode } of overridesNode ? objectEntries(overridesNode) : []) {
    const pointer = claim(keyNode, key, 'overrides');
    if (pointer === null) continue;
    overrides.push({
      key,
      pointer,
      value: getNodeValue(valueNode),
      sweepPointer: toPointer(['overrides', key]),
    });
  }

  let baseFile: string | null = null;
  if (typeof raw.base === 'string') {
    baseFile = path.resolve(path.dirname(file), raw.base);
    if (!fs.existsSync(baseFile)) {
      error(
        sections.get('base'),
        '/base',
        `base: ${baseFile} does not exist: expected a path to a *.mla.json, relative to the sweep file`,
      );
    }
  }
  const randomRaw = (raw.random ?? {}) as { samples?: number; seed?: number };
  const hasRandom = axes.some((a) => a.kind === 'random');
  if (!hasRandom && randomRaw.samples !== undefined && randomNode) {
    const samplesNode = objectEntries(randomNode).find((e) => e.key === 'samples')?.valueNode;
    diagnostics.push({
      file,
      severity: 'warning',
      message: 'random: "samples" has no effect without a random axis',
      pointer: '/random/samples',
      range: lines.nodeRange(samplesNode ?? randomNode),
    });
  }
  diagnostics.sort(
    (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
  );
  if (diagnostics.some((d) => d.severity === 'error')) return { spec: null, diagnostics, root, lines, file };
  const slurm = (raw.slurm ?? {}) as SweepSpec['slurm'];
  const spec: SweepSpec = {
    name: raw.name as string,
    baseFile,
    axes,
    samples: hasRandom ? (randomRaw.samples ?? 1) : 1,
    randomSeed: randomRaw.seed ?? 0,
    seeds: Array.isArray(raw.seeds) ? (raw.seeds as number[]) : null,
    overrides,
    metric: typeof raw.metric === 'string' ? raw.metric : DEFAULT_METRIC,
    maxParallel: typeof raw.maxParallel === 'number' ? raw.maxParallel : null,
    slurm,
  };
  return { spec, diagnostics, root, lines, file };
}

function distributionProblem(d: Distribution): string | null {
  const kinds = (['logUniform', 'uniform'] as const).filter((k) => d[k] !== undefined);
  if (kinds.length !== 1) {
    return `expected exactly one of "logUniform": [low, high] or "uniform": [low, high], found ${kinds.length === 0 ? 'neither' : 'both'}`;
  }
  const [low, high] = d[kinds[0]]!;
  if (!(low < high)) return `${kinds[0]}: expected low < high, found [${low}, ${high}]`;
  return null;
}

/** The node of a key written in the sweep file (for errors about it), or its value node. */
export function sweepNodeAt(
  root: Node | undefined,
  sweepPointer: string,
  which: 'key' | 'value',
): Node | undefined {
  if (!root) return undefined;
  const [section, ...rest] = sweepPointer.slice(1).split('/');
  const key = rest.join('/').replace(/~1/g, '/').replace(/~0/g, '~');
  const sectionNode = objectEntries(root).find((e) => e.key === section)?.valueNode;
  const entry = sectionNode ? objectEntries(sectionNode).find((e) => e.key === key) : undefined;
  if (!entry) return sectionNode;
  return which === 'key' ? entry.keyNode : entry.valueNode;
}

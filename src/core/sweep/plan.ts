// A sweep file → the plan of its trials, every expanded config validated by the one config validator before
// anything starts. A problem in an expanded config is reported at the axis value (or override) that produced
// it, in the sweep file; a problem of the base config at its own place in the base file.

import * as fs from 'node:fs';
import { getNodeValue, type Node } from 'jsonc-parser';
import { describeValue, nodeAtPointer, parseStrictJson } from '../config/jsonText';
import type { Diagnostic, ResolvedConfig } from '../config/types';
import { validateConfig } from '../config/validate';
import { slugify } from '../runs/paths';
import { expandTrials, type TrialPoint } from './expand';
import { setAtPointer } from './keys';
import { parseSweep, sweepNodeAt, type ParsedSweep } from './parse';
import type { SweepDiagnostic, SweepPlan, SweepSpec, TrialPlan } from './types';

export interface PlanResult {
  plan: SweepPlan | null;
  diagnostics: SweepDiagnostic[];
}

/** `name-of-sweep_3fa9c2d1_s0`: the sweep, the trial (hash of its axis values and seed) and the seed. */
export function trialRunId(sweepId: string, trialId: string, seed: number): string {
  return `${sweepId}_${trialId}_s${seed}`;
}

export async function planSweep(text: string, sweepFile: string, runsDir: string): Promise<PlanResult> {
  const parsed = parseSweep(text, sweepFile);
  const diagnostics = [...parsed.diagnostics];
  if (!parsed.spec) return { plan: null, diagnostics };
  const spec = parsed.spec;
  const base = await loadBase(spec, parsed, text, sweepFile);
  diagnostics.push(...base.diagnostics);
  if (!base.config || !base.raw) return { plan: null, diagnostics };

  const points = expandTrials(spec, base.config.seeds);
  const configFile = spec.baseFile ?? sweepFile;
  const sweepId = slugify(spec.name);
  const resolvedByCombo = new Map<string, ResolvedConfig | null>();
  const located = new Map<string, SweepDiagnostic>();
  for (const point of points) {
    if (resolvedByCombo.has(point.comboId)) continue;
    const raw = structuredClone(base.raw);
    const problems: SweepDiagnostic[] = [];
    for (const o of spec.overrides) {
      const problem = setAtPointer(raw, o.pointer, o.value);
      if (problem) problems.push(at(parsed, o.sweepPointer, 'key', `overrides "${o.key}": ${problem}`));
    }
    spec.axes.forEach((axis) => {
      const problem = setAtPointer(raw, axis.pointer, point.axes[axis.key]);
      if (problem)
        problems.push(at(parsed, axis.sweepPointer, 'key', `${axis.kind} "${axis.key}": ${problem}`));
    });
    delete raw.seeds;
    let config: ResolvedConfig | null = null;
    if (problems.length === 0) {
      const result = await validateConfig(JSON.stringify(raw, null, 2), configFile);
      config = result.config;
      for (const d of result.diagnostics) {
        const mapped = attribute(d, point, spec, parsed);
        if (mapped) problems.push(mapped);
      }
    }
    for (const p of problems) located.set(`${p.range.start.line}:${p.range.start.character}:${p.message}`, p);
    resolvedByCombo.set(point.comboId, problems.some((p) => p.severity === 'error') ? null : config);
  }
  diagnostics.push(
    ...[...located.values()].sort(
      (a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
    ),
  );
  if (diagnostics.some((d) => d.severity === 'error')) return { plan: null, diagnostics };

  const trials: TrialPlan[] = [];
  const ids = new Set<string>();
  for (const point of points) {
    if (ids.has(point.trialId)) continue; // two random draws that round to the same values: one trial
    ids.add(point.trialId);
    const config = resolvedByCombo.get(point.comboId)!;
    trials.push({
      index: trials.length,
      trialId: point.trialId,
      runId: trialRunId(sweepId, point.trialId, point.seed),
      seed: point.seed,
      axes: point.axes,
      group: `${sweepId}_${point.comboId}`,
      config: { ...config, seeds: [point.seed] },
      configFile,
    });
  }
  const plan: SweepPlan = {
    version: 1,
    sweepId,
    name: spec.name,
    sweepFile,
    runsDir,
    metric: spec.metric,
    maxParallel: spec.maxParallel,
    slurm: spec.slurm,
    trials,
  };
  return { plan, diagnostics };
}

interface Base {
  raw: Record<string, unknown> | null;
  config: ResolvedConfig | null;
  diagnostics: SweepDiagnostic[];
}

async function loadBase(
  spec: SweepSpec,
  parsed: ParsedSweep,
  text: string,
  sweepFile: string,
): Promise<Base> {
  if (spec.baseFile !== null) {
    let baseText: string;
    try {
      baseText = fs.readFileSync(spec.baseFile, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      return {
        raw: null,
        config: null,
        diagnostics: [at(parsed, '/base', 'value', `base: cannot read ${spec.baseFile} (${code})`)],
      };
    }
    const result = await validateConfig(baseText, spec.baseFile);
    const diagnostics = result.diagnostics.map((d) => ({ ...d, file: spec.baseFile! }));
    const root = parseStrictJson(baseText).root;
    return {
      raw: root ? (getNodeValue(root) as Record<string, unknown>) : null,
      config: result.config,
      diagnostics,
    };
  }
  // An inline base is validated in place: the rest of the sweep file blanked out (newlines kept), so the
  // validator's lines and columns are the sweep file's own.
  const baseNode = nodeAtPointer(parsed.root!, '/base')!;
  const blank = (s: string) => s.replace(/[^\r\n]/g, ' ');
  const end = baseNode.offset + baseNode.length;
  const padded =
    blank(text.slice(0, baseNode.offset)) + text.slice(baseNode.offset, end) + blank(text.slice(end));
  const result = await validateConfig(padded, sweepFile);
  const diagnostics = result.diagnostics.map((d) => ({
    ...d,
    file: sweepFile,
    pointer: '/base' + d.pointer,
  }));
  return { raw: getNodeValue(baseNode) as Record<string, unknown>, config: result.config, diagnostics };
}

function at(
  parsed: ParsedSweep,
  sweepPointer: string,
  which: 'key' | 'value',
  message: string,
  node?: Node,
): SweepDiagnostic {
  const target = node ?? sweepNodeAt(parsed.root, sweepPointer, which);
  return {
    file: parsed.file,
    severity: 'error',
    message,
    pointer: sweepPointer,
    range: target ? parsed.lines.nodeRange(target) : parsed.lines.range(0, 0),
  };
}

/**
 * The sweep-file place of a diagnostic of an expanded config: the axis or override whose key is, contains or
 * lies inside the diagnostic's pointer (the deepest such key wins). Warnings count only when an axis made them
 * (an axis whose key the config does not know would otherwise change nothing, silently).
 */
function attribute(
  d: Diagnostic,
  point: TrialPoint,
  spec: SweepSpec,
  parsed: ParsedSweep,
): SweepDiagnostic | null {
  const related = (pointer: string) =>
    d.pointer === pointer ||
    d.pointer.startsWith(pointer + '/') ||
    (d.pointer !== '' && pointer.startsWith(d.pointer + '/'));
  type Source = { pointer: string; label: string; sweepPointer: string; valueNode: Node | undefined };
  const sources: Source[] = [
    ...spec.overrides.map((o) => ({
      pointer: o.pointer,
      label: `overrides "${o.key}" = ${describeValue(o.value)}`,
      sweepPointer: o.sweepPointer,
      valueNode: sweepNodeAt(parsed.root, o.sweepPointer, 'value'),
    })),
    ...spec.axes.map((a, i) => {
      const axisNode = sweepNodeAt(parsed.root, a.sweepPointer, 'value');
      const valueNode = a.kind === 'grid' ? (axisNode?.children?.[point.choice[i]] ?? axisNode) : axisNode;
      const sweepPointer = a.kind === 'grid' ? `${a.sweepPointer}/${point.choice[i]}` : a.sweepPointer;
      return {
        pointer: a.pointer,
        label: `${a.kind} "${a.key}" = ${describeValue(point.axes[a.key])}`,
        sweepPointer,
        valueNode,
      };
    }),
  ];
  const source = sources
    .filter((s) => related(s.pointer))
    .sort((a, b) => b.pointer.length - a.pointer.length)[0];
  const where = d.pointer === '' ? '' : ` (config ${d.pointer})`;
  if (source) {
    return {
      file: parsed.file,
      // A key the config does not know would make the axis change nothing, silently.
      severity: d.message.startsWith('unknown key') ? 'error' : d.severity,
      message: `${source.label}: ${d.message}${where}`,
      pointer: source.sweepPointer,
      range: source.valueNode ? parsed.lines.nodeRange(source.valueNode) : parsed.lines.range(0, 0),
    };
  }
  if (d.severity !== 'error') return null;
  // An error no single key explains (a combination of values): name the whole trial, at its first axis.
  const combo = spec.axes.map((a) => `${a.key} = ${describeValue(point.axes[a.key])}`).join(', ');
  const first = spec.axes[0] ?? spec.overrides[0];
  const node = first ? sweepNodeAt(parsed.root, first.sweepPointer, 'key') : parsed.root;
  return {
    file: parsed.file,
    severity: 'error',
    message: `the trial with ${combo || 'the overrides'}: ${d.message}${where}`,
    pointer: first ? first.sweepPointer : '',
    range: node ? parsed.lines.nodeRange(node) : parsed.lines.range(0, 0),
  };
}

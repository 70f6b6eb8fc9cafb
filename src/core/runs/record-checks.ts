// Checks of the records a reader loads (status.json, summary.json, config.json, the lines of metrics.jsonl
// and fusion.jsonl). The reader only trusts fields it checked; a wrong one gives a message with the file,
// the JSON pointer and what was expected.

import type { FusionRecord, RunState, RunStatus, RunSummary } from './types';

const STATES: readonly RunState[] = ['running', 'completed', 'stopped', 'failed'];

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class Checker {
  constructor(private readonly file: string) {}

  fail(pointer: string, expected: string): never {
    throw new Error(`${this.file}: ${pointer === '' ? 'the document' : pointer} must be ${expected}`);
  }

  object(value: unknown, pointer: string): Record<string, unknown> {
    return isRecord(value) ? value : this.fail(pointer, 'an object');
  }

  number(value: unknown, pointer: string): number {
    return typeof value === 'number' && Number.isFinite(value) ? value : this.fail(pointer, 'a number');
  }

  string(value: unknown, pointer: string): string {
    return typeof value === 'string' ? value : this.fail(pointer, 'a string');
  }

  state(value: unknown, pointer: string): RunState {
    return STATES.includes(value as RunState)
      ? (value as RunState)
      : this.fail(pointer, `one of ${STATES.join(', ')}`);
  }

  strings(value: unknown, pointer: string): string[] {
    if (!Array.isArray(value)) return this.fail(pointer, 'an array of strings');
    value.forEach((v, i) => this.string(v, `${pointer}/${i}`));
    return value as string[];
  }

  numberMap(value: unknown, pointer: string): Record<string, number> {
    const map = this.object(value, pointer);
    for (const [key, v] of Object.entries(map)) this.number(v, `${pointer}/${key}`);
    return map as Record<string, number>;
  }

  /** `fused` and `unimodal` of a SummaryScores. */
  scores(value: unknown, pointer: string): void {
    const scores = this.object(value, pointer);
    this.number(scores.fused, `${pointer}/fused`);
    this.numberMap(scores.unimodal, `${pointer}/unimodal`);
  }
}

export function checkStatus(raw: unknown, file: string): RunStatus {
  const c = new Checker(file);
  const s = c.object(raw, '');
  c.state(s.state, '/state');
  c.number(s.pid, '/pid');
  c.string(s.host, '/host');
  c.string(s.startedAt, '/startedAt');
  if (s.endedAt !== null) c.string(s.endedAt, '/endedAt');
  c.number(s.epoch, '/epoch');
  c.number(s.epochs, '/epochs');
  if (s.error !== undefined) c.string(s.error, '/error');
  return s as unknown as RunStatus;
}

/** The fields that listings and seed aggregation use. */
export function checkSummary(raw: unknown, file: string): RunSummary {
  const c = new Checker(file);
  const s = c.object(raw, '');
  c.state(s.state, '/state');
  c.number(s.seed, '/seed');
  c.number(s.epochs, '/epochs');
  c.number(s.bestEpoch, '/bestEpoch');
  c.number(s.seconds, '/seconds');
  c.scores(s.test, '/test');
  c.scores(s.val, '/val');
  return s as unknown as RunSummary;
}

/** An epoch line of metrics.jsonl is usable when its epoch and fused scores are numbers. */
export function isEpochRecordShape(value: object): boolean {
  const r = value as Record<string, unknown>;
  const fusedOf = (split: unknown): unknown => (isRecord(split) ? split.fused : undefined);
  return (
    r.type === 'epoch' &&
    typeof r.epoch === 'number' &&
    typeof fusedOf(r.val) === 'number' &&
    typeof fusedOf(r.test) === 'number'
  );
}

/** A line of fusion.jsonl is usable when the fields the fusion inspector draws have their types. */
export function isFusionRecord(value: unknown): value is FusionRecord {
  if (!isRecord(value)) return false;
  return (
    Number.isInteger(value.index) &&
    Number.isInteger(value.label) &&
    Number.isInteger(value.prediction) &&
    typeof value.correct === 'boolean' &&
    Array.isArray(value.fused) &&
    isRecord(value.probs) &&
    isRecord(value.weights) &&
    isRecord(value.entropy)
  );
}

// The shape of a checkpoint's `state.json`, and its check on load: a damaged or hand-edited file gives a
// message with the file and the JSON pointer of the first wrong value.

export interface TensorEntry {
  name: string;
  shape: number[];
  dtype: 'float32';
  /** Byte offset into weights.bin. */
  offset: number;
  /** Byte length in weights.bin (4 × the number of values). */
  length: number;
}

export interface CheckpointState {
  epoch: number;
  /** Hex sha256 of weights.bin; null in checkpoints written before it was recorded. */
  weightsSha256: string | null;
  tensors: TensorEntry[];
  optimizer: unknown;
  hgm: unknown;
  rng: unknown;
  extra: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

export function parseCheckpointState(raw: unknown, file: string): CheckpointState {
  const fail = (pointer: string, expected: string): never => {
    throw new Error(`${file}: ${pointer === '' ? 'the document' : pointer} must be ${expected}`);
  };
  if (!isRecord(raw)) return fail('', 'an object');
  if (!isCount(raw.epoch)) fail('/epoch', 'an integer ≥ 0');
  const sha = raw.weightsSha256 ?? null;
  if (sha !== null && (typeof sha !== 'string' || !/^[0-9a-f]{64}$/.test(sha)))
    fail('/weightsSha256', '64 lower-case hex digits (the sha256 of weights.bin)');
  if (!Array.isArray(raw.tensors)) return fail('/tensors', 'an array');
  const names = new Set<string>();
  const tensors = raw.tensors.map((t: unknown, i): TensorEntry => {
    const at = `/tensors/${i}`;
    if (!isRecord(t)) return fail(at, 'an object');
    if (typeof t.name !== 'string' || t.name === '') fail(`${at}/name`, 'a non-empty string');
    if (names.has(t.name as string)) fail(`${at}/name`, `unique ("${String(t.name)}" appears twice)`);
    names.add(t.name as string);
    if (!Array.isArray(t.shape) || !t.shape.every(isCount)) fail(`${at}/shape`, 'an array of integers ≥ 0');
    if (t.dtype !== 'float32') fail(`${at}/dtype`, '"float32"');
    if (!isCount(t.offset)) fail(`${at}/offset`, 'an integer ≥ 0');
    if (!isCount(t.length)) fail(`${at}/length`, 'an integer ≥ 0');
    const shape = t.shape as number[];
    const bytes = 4 * shape.reduce((a, b) => a * b, 1);
    if (t.length !== bytes) fail(`${at}/length`, `${bytes} (4 bytes × the shape [${shape.join(', ')}])`);
    if ((t.offset as number) % 4 !== 0) fail(`${at}/offset`, 'a multiple of 4');
    return { name: t.name as string, shape, dtype: 'float32', offset: t.offset as number, length: bytes };
  });
  for (const key of ['optimizer', 'hgm', 'rng', 'extra']) {
    if (!(key in raw)) fail(`/${key}`, 'present (use null when there is nothing to store)');
  }
  return {
    epoch: raw.epoch as number,
    weightsSha256: sha as string | null,
    tensors,
    optimizer: raw.optimizer,
    hgm: raw.hgm,
    rng: raw.rng,
    extra: raw.extra,
  };
}

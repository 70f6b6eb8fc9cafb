// fusion.jsonl (or a file `mla eval --out` wrote): per test sample, what each modality predicted and how
// the fusion weighed it. Read with the tolerant JSON-lines reader; lines that are not a fusion record are
// counted, not fatal.

import { readJsonl } from './jsonl';
import { isFusionRecord } from './record-checks';
import type { FusionRecord } from './types';

export interface FusionFile {
  records: FusionRecord[];
  /** Lines that were not a fusion record (a half-written last line, damage). */
  skipped: number;
}

/** Throws (with the file name) only when the file cannot be read at all. */
export function readFusionFile(file: string): FusionFile {
  const contents = readJsonl<unknown>(file);
  const records = contents.records.filter(isFusionRecord);
  const skipped =
    contents.corrupt + (contents.partialTail ? 1 : 0) + (contents.records.length - records.length);
  return { records, skipped };
}

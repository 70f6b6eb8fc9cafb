// What `mla eval --json` prints on its last stdout line: the scores of the re-evaluated checkpoint and the
// file its per-sample fusion records went to. The extension's fusion inspector decodes it.

import * as c from './codec';
import { splitScores } from './records';

const evalResult = c.object({
  epoch: c.integer(0),
  /** The checkpoint was taken mid-epoch (a stop): its weights are not an epoch's end. */
  partial: c.boolean,
  val: splitScores,
  test: splitScores,
  out: c.string,
});

export type EvalResultLine = c.Infer<typeof evalResult>;

/** The result, or an error saying which field of the line was wrong. */
export function decodeEvalResult(line: string): EvalResultLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new Error('mla eval printed no scores (its last line is not JSON)');
  }
  const decoded = c.decode(evalResult, value);
  if (!decoded.ok) throw new Error(`mla eval printed unexpected scores: ${decoded.error.message}`);
  return decoded.value;
}

// The layout of a critical-difference diagram (Demšar 2006, Fig. 1): an axis of average ranks 1…k, each
// method a tick on it joined by an elbow line to its name (the better half named on the left, the rest on the
// right), a bar under the axis for each group of methods not significantly different, and a bar the length
// of the CD above it. Positions only: the view draws them as SVG.

import type { RankSummaryView } from '../../../src/protocol/dashboard';
import { rankText, statText } from '../../../src/shared/rankText';

export interface CdLine {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export interface CdMethod {
  name: string;
  averageRank: number;
  /** The elbow from the axis down to the name's row and out to the side. */
  path: { x: number; y: number }[];
  label: { x: number; y: number; anchor: 'start' | 'end'; text: string };
}

export interface CdLayout {
  width: number;
  height: number;
  axis: CdLine;
  /** The ranks 1…k and the halves between them (shorter ticks, no label). */
  ticks: { x: number; y1: number; y2: number; label: string | null }[];
  /** From rank 1 to rank 1 + CD; null without a CD (more than 10 methods). */
  cd: { line: CdLine; label: { x: number; y: number; text: string } } | null;
  groups: CdLine[];
  methods: CdMethod[];
}

const ROW = 18;
const AXIS_Y = 44;
const GROUP_GAP = 7;

/** `width`: of the drawing in pixels; names get a quarter on each side (at most 180 px). */
export function cdLayout(ranks: RankSummaryView, width = 640): CdLayout {
  const k = ranks.methods.length;
  const side = Math.min(180, width / 4);
  const left = side;
  const right = width - side;
  const x = (rank: number) => left + ((rank - 1) / Math.max(1, k - 1)) * (right - left);
  const ticks: CdLayout['ticks'] = [];
  for (let r = 1; r <= k; r += 0.5) {
    const whole = Number.isInteger(r);
    ticks.push({ x: x(r), y1: AXIS_Y - (whole ? 6 : 3), y2: AXIS_Y, label: whole ? String(r) : null });
  }
  const cdValue = ranks.nemenyi.cd;
  const cd =
    cdValue === null
      ? null
      : {
          line: { x1: x(1), y1: 14, x2: Math.min(x(1 + cdValue), right), y2: 14 },
          label: { x: x(1), y: 10, text: `CD = ${statText(cdValue)}` },
        };
  const rankOf = new Map(ranks.methods.map((m) => [m.method, m.averageRank ?? NaN]));
  // A group of one is a method apart from all others: only groups of two or more get a bar.
  const groups = ranks.groups
    .filter((g) => g.length > 1)
    .map((g, i) => {
      const y = AXIS_Y + 10 + i * GROUP_GAP;
      const rs = g.map((m) => rankOf.get(m)!);
      return { x1: x(Math.min(...rs)) - 3, y1: y, x2: x(Math.max(...rs)) + 3, y2: y };
    });
  const firstRow = AXIS_Y + 10 + groups.length * GROUP_GAP + 12;
  const leftCount = Math.ceil(k / 2);
  const methods = ranks.methods.map((m, i): CdMethod => {
    const rank = m.averageRank ?? NaN;
    const onLeft = i < leftCount;
    // Rows from the top: the best on the left first, the worst on the right first, so no lines cross.
    const row = onLeft ? i : k - 1 - i;
    const y = firstRow + row * ROW;
    const end = onLeft ? left - 8 : right + 8;
    return {
      name: m.method,
      averageRank: rank,
      path: [
        { x: x(rank), y: AXIS_Y },
        { x: x(rank), y },
        { x: end, y },
      ],
      label: {
        x: onLeft ? end - 4 : end + 4,
        y: y + 4,
        anchor: onLeft ? 'end' : 'start',
        text: `${m.method} (${rankText(rank)})`,
      },
    };
  });
  const rows = Math.max(leftCount, k - leftCount);
  return {
    width,
    height: firstRow + (rows - 1) * ROW + 12,
    axis: { x1: left, y1: AXIS_Y, x2: right, y2: AXIS_Y },
    ticks,
    cd,
    groups,
    methods,
  };
}

// Virtualised rows: only the rows in view (plus a margin, so a fast scroll does not show blanks) are in
// the DOM; the rest is a spacer of the right height.

export interface RowWindow {
  /** First row index drawn. */
  start: number;
  /** One past the last row index drawn. */
  end: number;
  /** Pixels above the first drawn row. */
  offset: number;
}

export function rowWindow(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  count: number,
  overscan = 8,
): RowWindow {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const visible = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, Math.min(count, first - overscan));
  const end = Math.min(count, first + visible + overscan);
  return { start, end: Math.max(start, end), offset: start * rowHeight };
}

// VS Code runs a tree item's command once per click and has no double-click event for tree items: two
// clicks on the same row in quick succession are taken as a double-click (the preview tab is then pinned).

/** The longest gap between the two clicks of a double-click (the usual desktop default). */
export const DOUBLE_CLICK_MS = 500;

export class DoubleClicks {
  private last: { key: string; at: number } | null = null;

  /** `now`: the clock (tests pass their own). */
  constructor(private readonly now: () => number = () => Date.now()) {}

  /** Records a click on `key`; true when it is the second click of a double-click. */
  click(key: string): boolean {
    const at = this.now();
    const double = this.last !== null && this.last.key === key && at - this.last.at <= DOUBLE_CLICK_MS;
    // The click after a double-click starts afresh, as a third click does in an editor's tab list.
    this.last = double ? null : { key, at };
    return double;
  }
}

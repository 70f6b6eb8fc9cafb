// Row selection as file lists do it: a click selects one row, ctrl/cmd-click toggles one, shift-click
// selects the range from the anchor (the last plain or ctrl click) to the row, in the order shown.

export interface Selection {
  selected: ReadonlySet<string>;
  anchor: string | null;
}

export const NO_SELECTION: Selection = { selected: new Set(), anchor: null };

export function clickSelect(
  current: Selection,
  order: readonly string[],
  key: string,
  mods: { shift: boolean; toggle: boolean },
): Selection {
  if (mods.shift && current.anchor !== null && order.includes(current.anchor)) {
    const a = order.indexOf(current.anchor);
    const b = order.indexOf(key);
    const [from, to] = a <= b ? [a, b] : [b, a];
    const range = order.slice(from, to + 1);
    const selected = mods.toggle ? new Set([...current.selected, ...range]) : new Set(range);
    return { selected, anchor: current.anchor };
  }
  if (mods.toggle) {
    const selected = new Set(current.selected);
    if (!selected.delete(key)) selected.add(key);
    return { selected, anchor: key };
  }
  return { selected: new Set([key]), anchor: key };
}

/** Keeps only rows still shown (after a filter or a refresh). */
export function pruneSelection(current: Selection, order: readonly string[]): Selection {
  const shown = new Set(order);
  const selected = new Set([...current.selected].filter((k) => shown.has(k)));
  return { selected, anchor: current.anchor !== null && shown.has(current.anchor) ? current.anchor : null };
}

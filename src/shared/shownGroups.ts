// Which seed groups a comparison shows once the person removed some: shared by the Compare view (its charts
// and its "Add config" list) and the host (the table it builds), so both leave out the same configs.

/** All groups but those removed, never none (the first stays). */
export function shownGroups<G extends { key: string }>(
  groups: readonly G[],
  removed: readonly string[],
): G[] {
  const shown = groups.filter((g) => !removed.includes(g.key));
  return shown.length > 0 || groups.length === 0 ? shown : [groups[0]];
}

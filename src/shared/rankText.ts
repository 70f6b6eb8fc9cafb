// The figures of the ranks across datasets as every text format words them, so markdown, LaTeX, CSV and the
// Compare view say the same numbers. Browser-safe: the Compare view words them too.

/**
 * What the words need of a rank summary (src/core/compare/types.ts), as the command line holds it and as the
 * webview receives it, where JSON has turned an infinite F into null.
 */
export interface RankFigures {
  datasets: readonly string[];
  methods: readonly { method: string }[];
  friedman: { chiSquare: number | null; p: number | null };
  imanDavenport: { f: number | null; p: number | null };
  nemenyi: { alpha: number | null; cd: number | null };
  groups: readonly (readonly string[])[];
}

/** A p-value with three decimals, `<0.001` below. */
export function pText(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return '–';
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}

export function rankText(rank: number | null): string {
  return rank === null || !Number.isFinite(rank) ? '–' : rank.toFixed(2);
}

/** A test statistic with three decimals; `∞` for an infinite one (null once through JSON). */
export function statText(value: number | null): string {
  return value !== null && Number.isFinite(value) ? value.toFixed(3) : '∞';
}

/** `{a, b}, {c}`: the groups of methods not significantly different; `open`/`close` for LaTeX's braces. */
export function groupsText(ranks: RankFigures, open = '{', close = '}'): string {
  return ranks.groups.map((g) => `${open}${g.join(', ')}${close}`).join(', ');
}

/**
 * `Friedman χ²=9.280, p=0.026; Iman–Davenport F=3.690, p=0.020; Nemenyi CD=1.254 (α=0.05, 4 methods, 14
 * datasets); groups: {a, b}, {c}` in plain text (markdown, the Compare view).
 */
export function rankTestsLine(ranks: RankFigures): string {
  const { friedman: fr, imanDavenport: id, nemenyi: ne } = ranks;
  const k = ranks.methods.length;
  const n = ranks.datasets.length;
  const cd = ne.cd === null ? 'no CD (its table stops at 10 methods)' : `CD=${statText(ne.cd)}`;
  const groups = ne.cd === null ? '' : `; groups: ${groupsText(ranks)}`;
  return (
    `Friedman χ²=${statText(fr.chiSquare)}, p=${pText(fr.p)}; ` +
    `Iman–Davenport F=${statText(id.f)}, p=${pText(id.p)}; ` +
    `Nemenyi ${cd} (α=${ne.alpha}, ${k} methods, ${n} datasets)${groups}`
  );
}

/** What the ranks are of, for a caption or a heading. */
export function ranksCaption(ranks: RankFigures): string {
  return `Average rank of each method's multimodal mean over ${ranks.datasets.length} datasets (${ranks.datasets.join(', ')}); on each dataset 1 is the best, tied methods share the mean of their ranks.`;
}

// Chart colours from VS Code's theme variables, read when a chart is drawn (and again when the theme
// changes), so light, dark and high-contrast themes all get their own readable palette.

const PALETTE_VARS: [string, string][] = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-orange', '#d18616'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-purple', '#b180d7'],
  ['--vscode-charts-red', '#f14c4c'],
  ['--vscode-charts-yellow', '#cca700'],
];

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v === '' ? fallback : v;
}

export interface ChartTheme {
  palette: string[];
  foreground: string;
  muted: string;
  grid: string;
  background: string;
  font: string;
  fontFamily: string;
  highContrast: boolean;
}

export function chartTheme(): ChartTheme {
  const foreground = cssVar('--vscode-editor-foreground', cssVar('--vscode-foreground', '#cccccc'));
  const fontFamily = cssVar('--vscode-font-family', 'sans-serif');
  const size = cssVar('--vscode-font-size', '13px');
  // VS Code marks high-contrast dark and high-contrast light webviews with one class each.
  const classes = document.body.classList;
  const highContrast =
    classes.contains('vscode-high-contrast') || classes.contains('vscode-high-contrast-light');
  return {
    palette: PALETTE_VARS.map(([name, fallback]) => cssVar(name, fallback)),
    foreground,
    muted: cssVar('--vscode-descriptionForeground', foreground),
    grid: withAlpha(foreground, highContrast ? 0.35 : 0.12),
    background: cssVar('--vscode-editor-background', '#1e1e1e'),
    font: `${parseInt(size, 10) - 1 || 12}px ${fontFamily}`,
    fontFamily,
    highContrast,
  };
}

export function colorFor(theme: ChartTheme, index: number): string {
  return index < 0 ? theme.foreground : theme.palette[index % theme.palette.length];
}

/** `#rgb`, `#rrggbb`, `#rrggbbaa` or `rgb(…)` with a new alpha; anything else is returned as it is. */
export function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i.exec(color.trim());
  if (hex) {
    let h = hex[1];
    if (h.length === 3) h = [...h].map((c) => c + c).join('');
    const [r, g, b] = [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16));
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  const rgb = /^rgba?\(\s*(\d+)[ ,]+(\d+)[ ,]+(\d+)/i.exec(color.trim());
  return rgb ? `rgba(${rgb[1]}, ${rgb[2]}, ${rgb[3]}, ${alpha})` : color;
}

/** Calls `redraw` when VS Code switches the theme (it swaps the body's class and the variables). */
export function onThemeChange(redraw: () => void): void {
  let last = document.body.className;
  new MutationObserver(() => {
    if (document.body.className !== last) {
      last = document.body.className;
      redraw();
    }
  }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}

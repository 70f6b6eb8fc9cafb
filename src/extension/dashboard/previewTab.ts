// The run explorer's preview tab, the decisions without `vscode` (panel.ts carries them out): which tab a
// click or an Open shows, how a tab restored after a window reload comes back, and its title. VS Code's own
// preview editors have an italic title; a webview panel's title is plain text, so the preview says so.

import type { DashboardState, DashboardView } from '../../protocol/dashboard';

export const PREVIEW_TITLE_SUFFIX = ' (preview)';

/** One tab per view and set of runs, whatever order the runs were given in. */
export function panelKey(view: DashboardView, runDirs: readonly string[]): string {
  return `${view}:${[...runDirs].sort().join('|')}`;
}

export function tabTitle(title: string, preview: boolean): string {
  return preview ? `${title}${PREVIEW_TITLE_SUFFIX}` : title;
}

/** What the tabs are now: the keys of the pinned tabs, and the preview tab's key (null: none open). */
export interface TabsNow {
  pinned: ReadonlySet<string>;
  preview: string | null;
}

/**
 * A click on a run row. `show-pinned`: the run has a tab of its own; `show-preview`: the preview shows it
 * already; `reuse-preview`: the preview tab turns to it; `new-preview`: there is no preview tab yet.
 */
export type PreviewStep = 'show-pinned' | 'show-preview' | 'reuse-preview' | 'new-preview';

export function previewStep(key: string, tabs: TabsNow): PreviewStep {
  if (tabs.pinned.has(key)) return 'show-pinned';
  if (tabs.preview === key) return 'show-preview';
  return tabs.preview !== null ? 'reuse-preview' : 'new-preview';
}

/**
 * Open Dashboard, a double-click or Enter. `pin-preview`: the preview shows that run, so it becomes a tab of
 * its own (and the next click opens a new preview).
 */
export type OpenStep = 'show-pinned' | 'pin-preview' | 'new-tab';

export function openStep(key: string, tabs: TabsNow): OpenStep {
  if (tabs.pinned.has(key)) return 'show-pinned';
  return tabs.preview === key ? 'pin-preview' : 'new-tab';
}

/**
 * How a tab the window had before a reload comes back: the preview as the preview, unless another tab
 * took that place first (then it stays open, pinned); every other tab pinned.
 */
export function restoredRole(saved: DashboardState, tabs: TabsNow): 'preview' | 'pinned' {
  return saved.preview === true && tabs.preview === null ? 'preview' : 'pinned';
}

// The preview tab's decisions (src/extension/dashboard/previewTab.ts): which tab a click or an Open shows,
// how a tab restored after a window reload comes back, and the title that marks the preview.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  openStep,
  panelKey,
  previewStep,
  restoredRole,
  tabTitle,
} from '../../src/extension/dashboard/previewTab';

const A = panelKey('run', ['/runs/a']);
const B = panelKey('run', ['/runs/b']);
const tabs = (pinned: string[], preview: string | null) => ({ pinned: new Set(pinned), preview });

describe('the preview tab', () => {
  it('a click shows a run’s own tab, else the preview: as it is, turned to the run, or new', () => {
    assert.equal(previewStep(A, tabs([A], B)), 'show-pinned');
    assert.equal(previewStep(A, tabs([B], A)), 'show-preview');
    assert.equal(previewStep(A, tabs([], B)), 'reuse-preview');
    assert.equal(previewStep(A, tabs([B], null)), 'new-preview');
  });

  it('Open Dashboard pins the preview that shows the run, else opens a tab of its own', () => {
    assert.equal(openStep(A, tabs([A], null)), 'show-pinned');
    assert.equal(openStep(A, tabs([], A)), 'pin-preview');
    assert.equal(openStep(A, tabs([], B)), 'new-tab');
  });

  it('after a window reload the saved preview is the preview again, one at a time', () => {
    const saved = { view: 'run' as const, runDirs: ['/runs/a'] };
    assert.equal(restoredRole({ ...saved, preview: true }, tabs([B], null)), 'preview');
    assert.equal(restoredRole({ ...saved, preview: true }, tabs([], B)), 'pinned');
    assert.equal(restoredRole({ ...saved, preview: false }, tabs([], null)), 'pinned');
    // Saved before tabs knew of previews: a tab of its own, as it was then.
    assert.equal(restoredRole(saved, tabs([], null)), 'pinned');
  });

  it('is marked in its title, since a webview tab has no italic one', () => {
    assert.equal(tabTitle('MLA Run: example-mla s1', true), 'MLA Run: example-mla s1 (preview)');
    assert.equal(tabTitle('MLA Run: example-mla s1', false), 'MLA Run: example-mla s1');
  });

  it('is one tab per view and set of runs, in any order', () => {
    assert.equal(panelKey('compare', ['/b', '/a']), panelKey('compare', ['/a', '/b']));
    assert.notEqual(panelKey('compare', ['/a']), panelKey('run', ['/a']));
  });
});

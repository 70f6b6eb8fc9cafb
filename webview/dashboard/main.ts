// The dashboard webview: restores what the person had chosen (getState), tells the host it is ready, then
// shows the view the host names: the live run view, the seed comparison, the fusion inspector or the
// effective config.

import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
// Bundled into dist/webview/dashboard.css, which the page links (the CSP allows no other style source).
import 'uplot/dist/uPlot.min.css';
import type { HostToWebview } from '../../src/protocol/dashboard';
import { onThemeChange } from './charts/theme';
import { notice } from './dom';
import { restoreUi, type UiState } from './logic/uiState';
import { CompareView } from './views/compareView';
import { ConfigView } from './views/configView';
import { FusionView } from './views/fusionView';
import { LiveView } from './views/liveView';
import { loadState, onMessage, post, saveState } from './vscodeApi';

const app = document.getElementById('app')!;
const notices = document.createElement('div');
notices.className = 'notices';
const content = document.createElement('div');
app.replaceChildren(notices, content);

let ui: UiState | null = null;
let live: LiveView | null = null;
let compare: CompareView | null = null;
let fusion: FusionView | null = null;
let config: ConfigView | null = null;
const persist = () => {
  if (ui) saveState(ui);
};

onMessage((message: HostToWebview) => {
  switch (message.type) {
    case 'init': {
      // `preview` goes into the saved state: after a window reload the preview tab comes back as one.
      const base = {
        view: message.view,
        runDirs: message.runs.map((r) => r.runDir),
        preview: message.preview,
      };
      ui = restoreUi(base, ui ?? loadState());
      persist();
      live = compare = fusion = config = null;
      document.body.dataset.view = message.view;
      if (message.runs.length === 0) {
        content.replaceChildren(notice('error', 'The run folders of this panel are gone.'));
      } else if (message.view === 'run') {
        live = new LiveView(content, message.runs, ui, persist);
      } else if (message.view === 'compare') {
        compare = new CompareView(content, ui, persist);
      } else if (message.view === 'config') {
        config = new ConfigView(content, message.runs[0], ui, persist);
      } else {
        fusion = new FusionView(content, message.runs[0], ui, persist);
      }
      return;
    }
    case 'tabRole':
      if (ui) {
        ui.preview = message.preview;
        persist();
      }
      return;
    case 'runUpdate':
      live?.onRunUpdate(message.run, message.latest, message.etaSeconds);
      return;
    case 'series':
      live?.onSeries(message.frame, message.requestId);
      return;
    case 'compareData':
      compare?.onData(message.groups);
      return;
    case 'compareTable':
      compare?.onTable(message.requestId, message);
      return;
    case 'fusionRecords':
      fusion?.onRecords(message.source, message.records, message.requestId);
      return;
    case 'evalProgress':
      fusion?.onProgress(message.requestId, message.epoch, message.state, message.message);
      return;
    case 'runConfig':
      config?.onConfig(message.configFile, message.entries);
      return;
    case 'notice': {
      const note = notice(message.level, message.message);
      notices.append(note);
      setTimeout(() => note.remove(), message.level === 'error' ? 15000 : 6000);
      return;
    }
  }
});

onThemeChange(() => {
  live?.redraw();
  compare?.redraw();
  fusion?.redraw();
});

post({ type: 'ready' });

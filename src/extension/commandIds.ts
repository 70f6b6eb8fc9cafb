// The ids of the extension's commands, as package.json contributes them: the registrations, the run tree's
// click action and the integration tests name them through these constants.

export const COMMANDS = {
  train: 'mla.train',
  stopRun: 'mla.stopRun',
  resumeRun: 'mla.resumeRun',
  rerun: 'mla.rerun',
  openDashboard: 'mla.openDashboard',
  /** The run explorer's click: the run in the preview tab (a second click on the row pins it). */
  previewRun: 'mla.previewRun',
  /** Enter in the run explorer: the selected run in a tab of its own. */
  pinRun: 'mla.pinRun',
  compareSeeds: 'mla.compareSeeds',
  inspectFusion: 'mla.inspectFusion',
  showRunConfig: 'mla.showRunConfig',
  validateConfig: 'mla.validateConfig',
  createExample: 'mla.createExample',
  newProjectFromData: 'mla.newProjectFromData',
  deleteRun: 'mla.deleteRun',
  revealRun: 'mla.revealRun',
  revealRunInExplorer: 'mla.revealRunInExplorer',
  openConfig: 'mla.openConfig',
  showLog: 'mla.showLog',
  refreshRuns: 'mla.refreshRuns',
  /** The user guide as VS Code shows guides: the walkthrough (the same as Get Started). */
  openDocs: 'mla.openDocs',
  /** The full user guide (docs/guide.md) in the Markdown preview: the walkthrough's last step links it. */
  openGuide: 'mla.openGuide',
  getStarted: 'mla.getStarted',
  runSweep: 'mla.runSweep',
  openTaskStderr: 'mla.openTaskStderr',
  openRunTable: 'mla.openRunTable',
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

/** The walkthrough package.json contributes, as `workbench.action.openWalkthrough` names it (publisher.name#id). */
export const WALKTHROUGH_ID = 'mla-studio.mla-studio#mla.gettingStarted';

/** The command and arguments that open the walkthrough (Get Started, Open Docs); `false`: not to the side. */
export const OPEN_WALKTHROUGH = {
  command: 'workbench.action.openWalkthrough',
  args: [WALKTHROUGH_ID, false] as const,
};

/** VS Code's own command that focuses the run explorer view (`mla.runs`). */
export const FOCUS_RUNS_VIEW = 'mla.runs.focus';

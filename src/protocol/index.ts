// Every message that crosses a process or frame boundary in MLA Studio is declared here: the trainer's
// command line and event lines (extension ↔ trainer), `mla eval --json`, and the dashboard messages
// (extension ↔ webview). Messages that arrive from outside are codecs (./codec) and decoded whole.
export * from './trainerLaunch';
export * from './trainerEvents';
export * from './evalResult';
export * from './sweepEvents';
export * from './dashboard';
export * from './runTable';

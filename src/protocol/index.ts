// Every message that crosses a process or frame boundary in MLA Studio is declared here: the trainer's
// event lines (trainer → extension), the sweep's event lines and the dashboard messages (extension ↔ webview).
export * from './trainerEvents';
export * from './sweepEvents';
export * from './dashboard';

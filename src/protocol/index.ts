// Every message that crosses a process or frame boundary in MLA Studio is declared here: the trainer's
// event lines (trainer → extension) and the dashboard messages (extension ↔ webview).
export * from './trainerEvents';
export * from './dashboard';

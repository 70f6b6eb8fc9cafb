// Every message that crosses a process or frame boundary in MLA Studio is declared here.
export * from './trainerEvents';

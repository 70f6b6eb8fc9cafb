// Entry point of the trainer process and of the `mla` command line (they are the same program).

import { enableRelaxedSimdHere } from '../core/backend/relaxed-simd-flags';
import { DataError } from '../core/data/types';
import { UsageError } from './args';
import { compareCommand } from './commands/compare';
import { doctorCommand } from './commands/doctor';
import { evalCommand } from './commands/eval';
import { exampleCommand } from './commands/example';
import { initCommand } from './commands/init';
import { sweepCommand } from './commands/sweep';
import { sweepTaskCommand } from './commands/sweepTask';
import { trainCommand } from './commands/train';
import { validateCommand } from './commands/validate';
import { MAIN_HELP } from './usage';

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  train: trainCommand,
  validate: validateCommand,
  eval: evalCommand,
  compare: compareCommand,
  example: exampleCommand,
  doctor: doctorCommand,
  init: initCommand,
  sweep: sweepCommand,
  'sweep-task': sweepTaskCommand,
};

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(MAIN_HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-v') {
    const { VERSION } = await import('../core/version');
    process.stdout.write(`mla ${VERSION}\n`);
    return 0;
  }
  const run = COMMANDS[command];
  if (!run) {
    process.stderr.write(`mla: unknown command "${command}"\n\n${MAIN_HELP}`);
    return 2;
  }
  try {
    return await run(rest);
  } catch (error) {
    // Bad input is reported as a message, never as a stack trace; a bug still shows where it happened.
    if (error instanceof UsageError || isArgParseError(error)) {
      process.stderr.write(`mla ${command}: ${(error as Error).message}\n`);
      return 2;
    }
    if (error instanceof DataError || error instanceof Error) {
      process.stderr.write(`mla ${command}: ${error.message}\n`);
      if (process.env.MLA_DEBUG && error.stack) process.stderr.write(error.stack + '\n');
      return 1;
    }
    process.stderr.write(`mla ${command}: ${String(error)}\n`);
    return 1;
  }
}

function isArgParseError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

/**
 * The extension reads the trainer's stdout; when its window reloads the pipe closes while training goes on.
 * Writes then fail with EPIPE: ignore them, the run folder carries everything that matters.
 */
function surviveClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
}

/** What `bin/mla.js` and `node dist/trainer.js` run. */
export function cli(argv: string[]): void {
  surviveClosedPipes();
  enableRelaxedSimdHere();
  main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`mla: ${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}

if (require.main === module) cli(process.argv.slice(2));

// `npm run bench:sweep`: only the local sweep part of `npm run bench` (scripts/bench/sweep.ts).
import { localSweep } from './bench/sweep';

localSweep().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});

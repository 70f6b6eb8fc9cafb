// Deleting a run folder takes the run's lock first, so a trainer, a resume or an evaluation that writes into
// the folder is never deleted under its feet: those refuse the delete with a message naming the holder.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { acquireRunLock } from './lock';

/**
 * Removes `runDir` or throws a RunLockedError naming who works on it. The folder is first renamed to a hidden
 * name beside it (atomic), so nothing can find and lock the run while its files are being removed.
 */
export async function deleteRunFolder(runDir: string): Promise<void> {
  const lock = acquireRunLock(runDir, 'delete');
  const aside = path.join(path.dirname(runDir), `.${path.basename(runDir)}.deleting-${process.pid}`);
  try {
    await fs.promises.rename(runDir, aside);
  } catch (error) {
    lock.release();
    throw error;
  }
  await fs.promises.rm(aside, { recursive: true, force: true });
}

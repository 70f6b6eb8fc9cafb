// Which checkpoint a resume continues from: the newest one that loads and checks out (weights checksum,
// state.json's shape and ranges); a damaged newer one is passed over, and named, for an older intact one.

import { listCheckpoints, loadCheckpoint, type Checkpoint } from '../runs/checkpoint';
import { checkSnapshot } from './snapshot-check';

export interface ResumePoint {
  checkpoint: Checkpoint;
  /** Why each newer checkpoint was passed over (each message names its file). */
  passedOver: string[];
}

export async function intactCheckpoint(runDir: string): Promise<ResumePoint> {
  const refs = listCheckpoints(runDir);
  if (refs.length === 0) {
    throw new Error(`${runDir}: no checkpoint to resume from (the run never finished an epoch or a stop)`);
  }
  const passedOver: string[] = [];
  for (const ref of [...refs].reverse()) {
    try {
      const checkpoint = await loadCheckpoint(ref.dir);
      checkSnapshot(checkpoint);
      return { checkpoint, passedOver };
    } catch (error) {
      passedOver.push(error instanceof Error ? error.message : String(error));
    }
  }
  throw new Error(`cannot resume, no intact checkpoint: ${passedOver.join('; ')}`);
}

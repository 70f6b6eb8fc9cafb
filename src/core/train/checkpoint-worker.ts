// The checkpoint worker's thread: runs each job it is sent (one at a time, as the writer sends them) and
// answers with the folder or the error. Its own bundle entry (esbuild.mjs): it loads no TensorFlow.js.

import { parentPort } from 'node:worker_threads';
import { runCheckpointJob, toJobError, type CheckpointJob, type JobReply } from './checkpoint-job';

const port = parentPort;
if (port === null) throw new Error('checkpoint-worker: must run as a worker thread');
port.on('message', (message: { id: number; job: CheckpointJob }) => {
  const { id, job } = message;
  runCheckpointJob(job).then(
    (dir) => port.postMessage({ id, dir } satisfies JobReply),
    (error: unknown) => port.postMessage({ id, error: toJobError(error) } satisfies JobReply),
  );
});

/**
 * Entry of a job's worker thread: opens its own read-only connection to the library, runs one
 * job of JOB_KINDS, posts progress at most every PROGRESS_INTERVAL_MS and then how it ended.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { JobKind } from '../../shared/types';
import { Library } from '../storage';
import { JOB_KINDS } from './job-kinds';
import type { FromJob, JobWorkerData, WorkProgress } from './job-protocol';

const PROGRESS_INTERVAL_MS = 100;

class Cancelled extends Error {}

const port = parentPort;
if (!port) throw new Error('a job must run in a worker thread');
const post = (message: FromJob): void => port.postMessage(message);

function run<K extends JobKind>(data: JobWorkerData<K>): FromJob {
  const cancel = new Int32Array(data.cancel);
  let lastPost = -Infinity;
  const report = (progress: WorkProgress): void => {
    if (Atomics.load(cancel, 0) !== 0) throw new Cancelled();
    const now = performance.now();
    if (now - lastPost < PROGRESS_INTERVAL_MS) return;
    lastPost = now;
    post({ type: 'progress', progress: { ...progress } });
  };
  let library: Library | null = null;
  try {
    library = new Library(data.dbPath, { readonly: true, nativeBinding: data.nativeBinding });
    const job = JOB_KINDS[data.kind];
    return { type: 'done', output: job({ library, report }, data.params) };
  } catch (error) {
    if (error instanceof Cancelled) return { type: 'cancelled' };
    return { type: 'failed', message: (error as Error).message };
  } finally {
    library?.close();
  }
}

post(run(workerData as JobWorkerData));

/**
 * Entry of a job's worker thread: opens its own connection to the library (read-only, unless the
 * job writes it: WRITING_JOBS), runs one
 * job of JOB_KINDS, posts progress at most every PROGRESS_INTERVAL_MS and then how it ended.
 */
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { JobKind } from '../../shared/types';
import { Library } from '../storage';
import { JOB_KINDS, WRITING_JOBS } from './job-kinds';
import { PROGRESS_INTERVAL_MS, type FromJob, type JobWorkerData, type WorkProgress } from './job-protocol';

/** Nice value of a background job's thread: the lowest, so reading devices and drawing come first. */
const BACKGROUND_NICE = 19;

class Cancelled extends Error {}

const port = parentPort;
if (!port) throw new Error('a job must run in a worker thread');
const post = (message: FromJob): void => port.postMessage(message);

async function run<K extends JobKind>(data: JobWorkerData<K>): Promise<FromJob> {
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
    library = new Library(data.dbPath, { readonly: !WRITING_JOBS.has(data.kind), nativeBinding: data.nativeBinding });
    const job = JOB_KINDS[data.kind];
    return { type: 'done', output: await job({ library, report, nativeBinding: data.nativeBinding }, data.params) };
  } catch (error) {
    if (error instanceof Cancelled) return { type: 'cancelled' };
    return { type: 'failed', message: (error as Error).message };
  } finally {
    library?.close();
  }
}

const data = workerData as JobWorkerData;
// On Linux a thread has its own nice value and setpriority(0) sets the calling thread's; elsewhere
// it would lower the whole process (acquisition too), so jobs run at normal priority there.
if (data.background && process.platform === 'linux') {
  try {
    setPriority(0, BACKGROUND_NICE);
  } catch {
    // Not allowed here (a sandbox): the job runs at normal priority, only slower for the others.
  }
}
void run(data).then(post);

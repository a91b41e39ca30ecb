import type { JobKind } from '../../shared/types';
import { exportSessionCsv, type Library } from '../storage';
import type { JobOutputs, JobParams, WorkProgress } from './job-protocol';

/** What a job gets inside its worker: its own read-only library and a progress/cancel hook. */
export interface JobContext {
  library: Library;
  /** Call often (every chunk): it throws when the job was cancelled, and posts progress at a bounded rate. */
  report(progress: WorkProgress): void;
}

type JobFunction<K extends JobKind> = (context: JobContext, params: JobParams[K]) => JobOutputs[K];

/** Every kind of job the worker can run. A new kind is one entry here and its types in job-protocol.ts. */
export const JOB_KINDS: { [K in JobKind]: JobFunction<K> } = {
  'export-csv': ({ library, report }, { sessionId, dir, range }) => ({
    dir,
    files: exportSessionCsv(
      library,
      sessionId,
      dir,
      (p) => report({ stage: p.stream, samplesDone: p.samplesDone, samplesTotal: p.samplesTotal, bytesWritten: p.bytesWritten }),
      range,
    ),
  }),
};

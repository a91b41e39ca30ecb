import type { JobKind } from '../../shared/types';
import { analyze } from '../analysis/offline/analyze';
import { loadSessionFrom } from '../analysis/offline/load-input';
import { exportSessionCsv, writeAnalysisRun, type Library } from '../storage';
import type { JobOutputs, JobParams, WorkProgress } from './job-protocol';

/** What a job gets inside its worker: its own read-only library and a progress/cancel hook. */
export interface JobContext {
  library: Library;
  /** The library's file and binding, for a job that stores its result through a connection of its own. */
  dbPath: string;
  nativeBinding?: string;
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
  // The offline analysis (the live pipelines, replayed) with other parameters; stored beside the live results.
  reanalyze: ({ library, dbPath, nativeBinding, report }, { sessionId, options }) => {
    report({ stage: 'reading the session', samplesDone: 0, samplesTotal: 1000, bytesWritten: 0 });
    const input = loadSessionFrom(library, sessionId);
    const result = analyze(input, {
      ppgPolarity: options.ppgPolarity,
      hrvWindowSec: options.hrvWindowSec,
      hrvStepSec: options.hrvStepSec,
      onProgress: (f) => report({ stage: 'analysing', samplesDone: Math.round(f * 1000), samplesTotal: 1000, bytesWritten: 0 }),
    });
    return { runId: writeAnalysisRun(dbPath, nativeBinding, sessionId, options, result), name: options.name };
  },
};

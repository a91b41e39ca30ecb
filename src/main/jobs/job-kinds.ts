import type { JobKind } from '../../shared/types';
import { dirname, join } from 'node:path';
import { analyze } from '../analysis/offline/analyze';
import { detectPendingBeats } from '../analysis/offline/detect-beats';
import { importRecordingFile, isRecordingFile } from '../analysis/offline/import-record';
import { evaluateModel } from '../analysis/evaluation/evaluate-command';
import { saveEvaluation } from '../analysis/evaluation/evaluation-store';
import { inferInput } from '../analysis/inference/infer';
import { ModelHost } from '../analysis/inference/model-host';
import { loadSessionFrom } from '../analysis/offline/load-input';
import { exportSessionCsv, exportSessionEdf, exportSessionFile, exportSessionsParquet, exportSessionWfdb, finishedSessionIds, importSessionFile, saveAnalysisRun, saveModelRun, type CopyProgress, type ExportProgress, type Library } from '../storage';
import { buildDataset, datasetSessions } from './dataset-build';
import type { JobOutputs, JobParams, WorkProgress } from './job-protocol';

/** What a job gets inside its worker: its own connection to the library (read-only unless WRITING_JOBS has it) and a progress/cancel hook. */
export interface JobContext {
  library: Library;
  /** The better-sqlite3 binding, for a job that opens another database file. */
  nativeBinding?: string;
  /** Call often (every chunk): it throws when the job was cancelled, and posts progress at a bounded rate. */
  report(progress: WorkProgress): void;
}

/** Synchronous (a loop of SQLite reads and file writes), or async where the work is (an onnxruntime run). */
type JobFunction<K extends JobKind> = (context: JobContext, params: JobParams[K]) => JobOutputs[K] | Promise<JobOutputs[K]>;

/** Every kind of job the worker can run. A new kind is one entry here and its types in job-protocol.ts. */
export const JOB_KINDS: { [K in JobKind]: JobFunction<K> } = {
  'export-csv': ({ library, report }, { sessionId, dir, range, streams }) => ({
    dir,
    files: exportSessionCsv(library, sessionId, dir, exportReport(report), range, streams),
  }),
  'export-edf': ({ library, report }, { sessionId, file, format, range, streams }) => ({
    dir: dirname(file),
    files: [exportSessionEdf(library, sessionId, file, format, exportReport(report), range, streams)],
  }),
  'export-wfdb': ({ library, report }, { sessionId, dir, range, streams }) => ({
    dir,
    files: exportSessionWfdb(library, sessionId, dir, exportReport(report), range, streams),
  }),
  'export-parquet': async ({ library, report }, { sessionIds, dir, range, streams }) => ({
    dir,
    files: await exportSessionsParquet(library, sessionIds === 'all' ? finishedSessionIds(library) : sessionIds, dir, { range, streams, onProgress: exportReport(report) }),
  }),
  'export-session-file': ({ library, report }, { sessionId, file, replace }) => ({
    dir: dirname(file),
    files: [exportSessionFile(library, sessionId, file, copyReport(report), replace)],
  }),
  // A library file's sessions, or a recording (WFDB, EDF/BDF, our CSV export) as one new session.
  'import-session-file': ({ library, report, nativeBinding }, { file, participant }) => ({
    dir: dirname(file),
    files: [file],
    sessionIds: isRecordingFile(file)
      ? [importRecordingFile(library, file, { participant, onProgress: (p) => report({ stage: p.stage, samplesDone: p.done, samplesTotal: p.total, bytesWritten: 0 }) })]
      : importSessionFile(library, file, copyReport(report), nativeBinding),
  }),
  'finish-session': ({ library, report }, { sessionId }) => {
    report({ stage: 're-timing and building the overview', samplesDone: 0, samplesTotal: 1, bytesWritten: 0 });
    library.finishSession(sessionId);
    return {};
  },
  'detect-beats': ({ library, report }, { sessionId }) => {
    detectPendingBeats(library, sessionId, (f) => report({ stage: 'detecting beats', samplesDone: Math.round(f * 1000), samplesTotal: 1000, bytesWritten: 0 }));
    return {};
  },
  // The offline analysis (the live pipelines, replayed) with other parameters; stored beside the live results.
  reanalyze: ({ library, report }, { sessionId, options }) => {
    report({ stage: 'reading the session', samplesDone: 0, samplesTotal: 1000, bytesWritten: 0 });
    const input = loadSessionFrom(library, sessionId);
    const result = analyze(input, {
      ppgPolarity: options.ppgPolarity,
      hrvWindowSec: options.hrvWindowSec,
      hrvStepSec: options.hrvStepSec,
      onProgress: (f) => report({ stage: 'analysing', samplesDone: Math.round(f * 1000), samplesTotal: 1000, bytesWritten: 0 }),
    });
    return { runId: saveAnalysisRun(library, sessionId, options, result), name: options.name };
  },
  // A model over records and sessions (progress per input); the report is kept for the Evaluation view.
  evaluate: async ({ library, report }, { modelPath, inputs, dir, id }) => {
    report({ stage: 'loading the model', samplesDone: 0, samplesTotal: inputs.length, bytesWritten: 0 });
    const result = await evaluateModel(modelPath, inputs, { library, progress: (line, done, total) => report({ stage: line, samplesDone: done, samplesTotal: total, bytesWritten: 0 }) });
    saveEvaluation(dir, { id, createdAt: Date.now(), modelPath, model: result.model, inputs, report: result });
    return { dir, files: [join(dir, `${id}.json`)], name: id };
  },
  // A model over a recorded session; its outputs are stored as a named run of the session.
  'infer-session': async ({ library, report }, { sessionId, file, name }) => {
    const stage = (s: string, f: number) => report({ stage: s, samplesDone: Math.round(f * 1000), samplesTotal: 1000, bytesWritten: 0 });
    stage('loading the model', 0);
    // One onnxruntime thread: the job runs beside acquisition and the live view.
    const model = await ModelHost.load(file, { threads: 1 });
    try {
      stage('reading the session', 0);
      const input = loadSessionFrom(library, sessionId);
      const result = await inferInput(model, input, { onProgress: (f) => stage('inferring', f) });
      const run = { name, file, manifest: model.manifest, streamKey: result.signal.key!, outputs: result.outputs, skipped: result.skipped };
      return { runId: saveModelRun(library, sessionId, run), name };
    } finally {
      await model.close();
    }
  },
  dataset: async (context, { request }) => ({ dir: request.out, ...(await buildDataset(context, request)) }),
  'dataset-session': async ({ library, report }, { dir, spec, targets }) => ({ dir, files: await datasetSessions(library, dir, spec, targets, report) }),
};

/** Jobs that write the library: their worker opens a writable connection of its own. */
export const WRITING_JOBS: ReadonlySet<JobKind> = new Set(['import-session-file', 'reanalyze', 'finish-session', 'detect-beats', 'infer-session']);

function copyReport(report: JobContext['report']): (p: CopyProgress) => void {
  return (p) => report({ stage: p.stage, samplesDone: p.samplesDone, samplesTotal: p.samplesTotal, bytesWritten: p.bytesWritten });
}

function exportReport(report: JobContext['report']): (p: ExportProgress) => void {
  return (p) => report({ stage: p.stream, samplesDone: p.samplesDone, samplesTotal: p.samplesTotal, bytesWritten: p.bytesWritten });
}

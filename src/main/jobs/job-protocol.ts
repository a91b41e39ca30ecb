import type { ReanalysisOptions } from '../../shared/review';
import type { DatasetRequest, ExportRange, JobKind, JobOutput } from '../../shared/types';
import type { DatasetSpec, SessionTarget } from '../storage/dataset-parts';

/**
 * How often a job's progress is told, at most: each report reaches every UI as a status push, and
 * a quicker bar would only cost the live view frames.
 */
export const PROGRESS_INTERVAL_MS = 200;

/** What each kind of job is given. */
export interface JobParams {
  'export-csv': { sessionId: number; dir: string; range?: ExportRange; streams?: string[] };
  /** One EDF+ or BDF+ file. */
  'export-edf': { sessionId: number; file: string; format: 'edf' | 'bdf'; range?: ExportRange; streams?: string[] };
  /** WFDB records (.hea, .dat, .atr, .events) in `dir`; `streams`: keys to include, all when absent. */
  'export-wfdb': { sessionId: number; dir: string; range?: ExportRange; streams?: string[] };
  /** A Hive-partitioned Parquet folder of these sessions ('all': every finished one); `streams`: keys (or names) to include, all when absent. */
  'export-parquet': { sessionIds: number[] | 'all'; dir: string; range?: ExportRange; streams?: string[] };
  reanalyze: { sessionId: number; options: ReanalysisOptions };
  /** Re-timing and pyramid of a closed session (see Library.finishSession). */
  'finish-session': { sessionId: number };
  /** The detector's beats of an imported recording, after its import (see detect-beats.ts). */
  'detect-beats': { sessionId: number };
  /** `replace`: an existing `file` is replaced (the engine's own exports folder). */
  'export-session-file': { sessionId: number; file: string; replace: boolean };
  /** A library file, or a recording: WFDB .hea, EDF/BDF, a CSV export folder or stream file (`participant`: the new session's). */
  'import-session-file': { file: string; participant?: string };
  /** A model over .hea paths and session ids; the report is written to `dir`/`id`.json (see evaluation-store.ts). */
  evaluate: { modelPath: string; inputs: string[]; dir: string; id: string };
  /** A model (`file`, with its manifest beside it) over a recorded session, stored as run `name`. */
  'infer-session': { sessionId: number; file: string; name: string };
  /** An ML dataset (see dataset-build.ts): runs a `dataset-session` job per session. */
  dataset: { request: DatasetRequest };
  /** Some sessions' windows of a dataset in `dir`, one after the other (one worker's share). */
  'dataset-session': { dir: string; spec: DatasetSpec; targets: SessionTarget[] };
}

/** What each kind of job ends with. */
export interface JobOutputs {
  'export-csv': Required<Pick<JobOutput, 'dir' | 'files'>>;
  'export-edf': Required<Pick<JobOutput, 'dir' | 'files'>>;
  'export-wfdb': Required<Pick<JobOutput, 'dir' | 'files'>>;
  'export-parquet': Required<Pick<JobOutput, 'dir' | 'files'>>;
  reanalyze: Required<Pick<JobOutput, 'runId' | 'name'>>;
  'finish-session': JobOutput;
  'detect-beats': JobOutput;
  'export-session-file': Required<Pick<JobOutput, 'dir' | 'files'>>;
  'import-session-file': Required<Pick<JobOutput, 'dir' | 'files' | 'sessionIds'>>;
  /** `name`: the evaluation's id. */
  evaluate: Required<Pick<JobOutput, 'dir' | 'files' | 'name'>>;
  'infer-session': Required<Pick<JobOutput, 'runId' | 'name'>>;
  /** `files`: the manifest, then the Parquet parts; `splits`: the manifest's counts per split. */
  dataset: Required<Pick<JobOutput, 'dir' | 'files' | 'splits'>>;
  /** `files`: each session's record of its parts and counts (.sessions/<id>.json). */
  'dataset-session': Required<Pick<JobOutput, 'dir' | 'files'>>;
}

/** The job's `workerData`. */
export interface JobWorkerData<K extends JobKind = JobKind> {
  kind: K;
  params: JobParams[K];
  dbPath: string;
  nativeBinding?: string;
  /** Run at the lowest CPU priority (see JobRunnerOptions.background). */
  background: boolean;
  /**
   * One Int32 the host sets to 1 to cancel. Shared memory, not a message: a job's loop is
   * synchronous (SQLite reads, file writes), so it reads the flag between chunks.
   */
  cancel: SharedArrayBuffer;
}

/** How far a job is, as the worker sees it; the host adds the fraction and ETA. */
export interface WorkProgress {
  stage: string;
  samplesDone: number;
  samplesTotal: number;
  bytesWritten: number;
}

/** Messages from a job's worker: progress (at most every PROGRESS_INTERVAL_MS), then exactly one ending. */
export type FromJob =
  | { type: 'progress'; progress: WorkProgress }
  | { type: 'done'; output: JobOutputs[JobKind] }
  | { type: 'failed'; message: string }
  | { type: 'cancelled' };

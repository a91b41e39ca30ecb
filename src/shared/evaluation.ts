/**
 * What `evaluate` reports (CLI JSON, the evaluation job, the Evaluation view): per-beat scores of a
 * classifier against reference beats. Plain JSON; src/main/analysis/evaluation/ makes the numbers.
 */
import type { AamiClass } from './beat-classes';

export interface ClassMetrics {
  /** Sensitivity, positive predictivity and F1, in percent; null where undefined (nothing to divide by). */
  se: number | null;
  ppv: number | null;
  f1: number | null;
  /** Reference beats of the class. */
  n: number;
}

/** Rows: reference class, then `none` (an output with no reference beat); columns: model class, then `missed`. */
export interface Confusion {
  rows: string[];
  columns: string[];
  counts: number[][];
}

export interface Scores {
  classes: Record<string, ClassMetrics>;
  confusion: Confusion;
}

export interface RecordScores extends Scores {
  record: string;
  /** Reference beats excluded (their AAMI class is not one of the model's), by class. */
  excluded: Partial<Record<AamiClass | 'other', number>>;
}

export interface SliceScores extends Scores {
  slice: 'heart rate' | 'signal quality' | 'context';
  band: string;
}

export interface WorstError {
  error: 'false positive' | 'false negative';
  record: string;
  /** The library session of the record, or its .hea path (see RecordOutputs). */
  session?: number;
  file?: string;
  /** Seconds from the start of the record. */
  t: number;
  sample: number;
  /** The reference class; null for an output with no reference beat within the tolerance. */
  reference: string | null;
  predicted: string;
  /** The probability the model gave the class it wrongly chose. */
  confidence: number;
}

export interface Evaluation extends Scores {
  tolerance_ms: number;
  classes: Record<string, ClassMetrics & { ci: { se: [number, number] | null; ppv: [number, number] | null } }>;
  bootstrap: { resamples: number; seed: number; by: 'record' };
  excluded: Partial<Record<AamiClass | 'other', number>>;
  records: RecordScores[];
  slices: SliceScores[];
  calibration: Calibration;
  worst: WorstError[];
}

/** One bin of a reliability table: outputs whose probability for the class lies in [from, to). */
export interface CalibrationBin {
  from: number;
  to: number;
  n: number;
  /** Mean probability the model gave the class, and the share of those beats that were of it (0-1); null for an empty bin. */
  predicted: number | null;
  observed: number | null;
}

/**
 * Reliability (calibration) per model class, over every output (an output at no reference beat is
 * of no class): binned p(class) against the observed frequency, and the expected calibration
 * error, ECE = sum over bins of n_bin / n x |predicted - observed| (Naeini et al., AAAI 2015).
 */
export interface Calibration {
  bins: number;
  classes: Record<string, { ece: number | null; n: number; bins: CalibrationBin[] }>;
}

/** A model's evaluation over its inputs. */
export interface EvaluateReport extends Evaluation {
  model: string;
  /** Per record: the windows the model did not run (too near a gap or an end, or without the RR neighbours the model needs). */
  skipped: Record<string, Record<string, number>>;
}

/** An evaluation the engine ran and kept (in the library's exports folder), as the Evaluation view lists it. */
export interface EvaluationEntry {
  /** Its file's name without .json: evaluation-<ms since the epoch>. */
  id: string;
  createdAt: number;
  modelPath: string;
  model: string;
  /** As given: .hea paths and session ids. */
  inputs: string[];
}

export interface StoredEvaluation extends EvaluationEntry {
  report: EvaluateReport;
}

/** What the Evaluation view offers: the bundled model, sessions with beat classes, and the kept reports (newest first). */
export interface EvaluationListing {
  bundledModel: string | null;
  sessions: { id: number; name: string; classified: number }[];
  reports: EvaluationEntry[];
}

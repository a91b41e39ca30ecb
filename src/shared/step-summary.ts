/** A session summarised per protocol step (see src/main/study/step-summary.ts). No Node, no DOM. */

/** Mean and range of a series' values within a step; null figures when it has none. */
export interface RangeStats {
  mean: number | null;
  min: number | null;
  max: number | null;
  /** Values that went in (finite ones). */
  n: number;
}

export interface StepRow {
  name: string;
  /** Seconds from the session start. */
  start_s: number;
  end_s: number;
  duration_s: number;
  /** Heart rate (bpm) per source: `ecg`, `ppg` (from their `.metrics`), or a stream of its own such as a strap's `hr`. */
  hr: Record<string, RangeStats>;
  /** SpO2 (%) from the PPG's metrics; null without a PPG. */
  spo2: RangeStats | null;
  /** Footsteps the IMU analysis found in the step, and their rate; null without an IMU. */
  steps: { count: number; cadence_spm: number } | null;
  /** Per HR source: % of the step's time with a value the analysis trusted (it leaves poor windows empty). */
  quality: Record<string, number>;
  /** Samples lost in gaps that start inside the step, all raw streams. */
  lost_samples: number;
}

export interface StepSummary {
  session: number;
  /** The session's protocol steps in order; one row "whole session" when it has none. */
  steps: StepRow[];
}

/** The row name of a session without protocol steps. */
export const WHOLE_SESSION = 'whole session';

/** "mean (min-max)" to `digits` decimals, or null when the series had no value. */
export function formatRange(r: RangeStats | null | undefined, digits = 0): string | null {
  return r && r.mean !== null ? `${r.mean.toFixed(digits)} (${r.min!.toFixed(digits)}-${r.max!.toFixed(digits)})` : null;
}

/**
 * What the review view asks of a recorded session, and what it gets back. Times here are seconds
 * from the session's start (its `startedAt`), not host epoch seconds: that is what the view, the
 * labels and the exports show. Everything is plain JSON (null where a value is missing), so the
 * WebSocket face carries it as it is.
 */
import type { EventKind, SessionStatus, StreamKind } from './types';

export interface ReviewStream {
  key: string;
  name: string;
  kind: StreamKind;
  /** Nominal rate, Hz. */
  rate: number;
  channels: { label: string; unit: string }[];
  samples: number;
  derivedFrom: string | null;
}

export interface ReviewEvent {
  /** Row id: labels are edited and deleted by it. */
  id: number;
  kind: EventKind;
  /** Seconds from the session start. */
  t: number;
  duration: number;
  text: string;
  key?: string;
  /** For a gap: the samples lost. */
  lost?: number;
}

export interface SessionDetail {
  id: number;
  name: string;
  participant: string;
  status: SessionStatus;
  /** Host time of the start, seconds since the Unix epoch (for the clock-time axis). */
  startedAt: number;
  /** Seconds from the start to the last sample (or to the end, when later). */
  duration: number;
  streams: ReviewStream[];
  /** Markers, gaps, labels, board events and reconnects, in time order: not beats or steps (see getBeats). */
  events: ReviewEvent[];
}

/** The most columns one `readTrack` may ask for. */
export const MAX_TRACK_COLUMNS = 20_000;

/**
 * One track's samples for [t0, t1). Zoomed out, `columns` min/max pairs per channel on a uniform
 * grid (column k covers t0 + k (t1 - t0) / columns); zoomed in far enough that there are fewer
 * samples than columns, the samples themselves. Null is no data (a gap, or outside the recording).
 */
export type TrackData =
  | {
      key: string;
      t0: number;
      t1: number;
      mode: 'minmax';
      columns: number;
      /** Samples per stored point the data came from: 1 raw samples, else a pyramid level (64, 4096, ...). */
      level: number;
      /** Per channel, per column. */
      min: (number | null)[][];
      max: (number | null)[][];
    }
  | {
      key: string;
      t0: number;
      t1: number;
      mode: 'samples';
      /** Sample times. A null in `values` (and a missing stretch of times) is a gap: do not join across it. */
      t: number[];
      /** Per channel, per sample. */
      values: (number | null)[][];
    };

/** A stream's beats (ECG R peaks, PPG systolic peaks) or steps. */
export interface BeatSeries {
  key: string;
  /** 'detected': the analysis' own; 'corrected': after the user's edits (the detected set is never changed). */
  set: 'detected' | 'corrected';
  /** Seconds from the session start, ascending. */
  t: number[];
  /** Per beat: rejected as artifact (its neighbouring intervals drop out of HR and HRV). */
  rejected: boolean[];
  /**
   * Per beat: its class, an MIT-BIH beat code letter (N, L, R, V, E, A, S, F, Q, ...; the AAMI
   * class letters N, S, V, F, Q are MIT codes of the same class), null where none was set. Only a
   * corrected set has classes (set in review, or a WFDB record's reference annotations).
   */
  classes?: (string | null)[];
}

export type BeatEdit =
  | { op: 'add'; t: number }
  | { op: 'delete'; t: number }
  | { op: 'move'; from: number; to: number }
  | { op: 'reject'; t: number }
  | { op: 'unreject'; t: number }
  /** Sets the class of the beat nearest `t` (null clears it); see BeatSeries.classes. */
  | { op: 'classify'; t: number; class: string | null };

export interface NewLabel {
  /** Seconds from the session start. */
  t: number;
  duration: number;
  text: string;
  /** The stream it concerns, if only one. */
  key?: string;
}

/** HR and HRV over [t0, t1) from a beat series (the corrected one when there is one). */
export interface HrvSummary {
  key: string;
  set: 'detected' | 'corrected';
  t0: number;
  t1: number;
  beats: number;
  /** NN intervals used: not across a gap or a rejected beat, and passing the 20% rule. */
  nn: number;
  meanHrBpm: number | null;
  sdnnMs: number | null;
  rmssdMs: number | null;
  pnn50: number | null;
}

/** Parameters of a re-run of the analysis over a recorded session (unset: the live defaults). */
export interface ReanalysisOptions {
  /** Shown in the runs list; unique per session. */
  name: string;
  /** Which way up the PPG is (the live analysis detects it: 'auto'). */
  ppgPolarity?: 'auto' | 'volume' | 'intensity';
  /** HRV window length and step, s (live: 300 and 30). */
  hrvWindowSec?: number;
  hrvStepSec?: number;
}

/** A stored re-run of the analysis, beside the recorded live results, with what it found. */
export interface AnalysisRunSummary {
  id: number;
  name: string;
  /** The options it ran with. */
  params: ReanalysisOptions;
  /** ms since the Unix epoch. */
  createdAt: number;
  /** `withheld`: beats of stretches flagged unusable, not among `beats` (absent from runs stored before beats were withheld). */
  ecg: { signal: string; beats: number; withheld?: number; meanHrBpm: number | null; sdnnMs: number | null; rmssdMs: number | null; hrvWindows: number } | null;
  ppg: { signal: string; beats: number; polarity: string; meanHrBpm: number | null; quality: Record<string, number> } | null;
  imu: { steps: number } | null;
}

/** The beats (s from the session start) a stored run found, to overlay on the review tracks. */
export interface AnalysisRunBeats {
  id: number;
  ecg: number[];
  ppg: number[];
}

/** The pre-flight check before a recording (see src/main/study/preflight.ts). No Node, no DOM. */

/** ok: connected, on rate and of acceptable quality; missing: no such stream, or its device is not streaming; poor: there but off rate, losing packets or of poor quality. */
export type PreflightStatus = 'ok' | 'missing' | 'poor';

export interface PreflightItem {
  /** The required stream as the user named it: a stream kind (ecg, ppg, imu...) or a stream name. */
  stream: string;
  status: PreflightStatus;
  /** One line a user reads: "ppg: running at 91.2 Hz, 8.8 % under its nominal 100 Hz". */
  why: string;
  /** The stream checked, when one was found. */
  key?: string;
}

export interface PreflightResult {
  required: string[];
  items: PreflightItem[];
  /** Every required stream is ok. */
  passed: boolean;
  /** Host time of the check, s since the Unix epoch. */
  at: number;
}

/** What a session keeps of its pre-flight check (in its meta, `preflight`): the result at Record, and the reason when it was overridden. */
export interface SessionPreflight {
  result: PreflightResult;
  override?: string;
}

/** Required stream names: lower-case letters, digits, `_`, `-` and `.` (a kind such as ecg, or a stream name). */
export const REQUIRED_STREAM = /^[a-z0-9_.-]{1,40}$/;

/** Parses "ecg, ppg" into ['ecg', 'ppg']; throws naming the entry that is not a stream name. */
export function parseRequiredStreams(text: string): string[] {
  const names = [...new Set(text.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== ''))];
  const bad = names.find((n) => !REQUIRED_STREAM.test(n));
  if (bad !== undefined) throw new Error(`"${bad}" is not a stream name (a kind such as ecg, ppg, imu, or a stream's name)`);
  return names;
}

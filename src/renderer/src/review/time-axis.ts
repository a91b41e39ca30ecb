/** Ticks and labels of the review's time axis: elapsed time from the session start and clock time. Pure. */

/** Tick steps that read well as time, seconds: sub-second decimals, then 1-2-5-10-15-30 s/min, then hours. */
const STEPS_S = [
  0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 2 * 3600,
  3 * 3600, 6 * 3600, 12 * 3600, 24 * 3600,
];

/** The smallest time step that gives at most `target` intervals over `length` seconds. */
export function timeStep(length: number, target: number): number {
  const raw = length / Math.max(1, target);
  for (const s of STEPS_S) if (s >= raw) return s;
  return STEPS_S[STEPS_S.length - 1];
}

/** Multiples of `step` in [t0, t1]. */
export function timeTicks(t0: number, t1: number, step: number): number[] {
  const out: number[] = [];
  const first = Math.ceil(t0 / step - 1e-9);
  for (let k = first; k * step <= t1 + step * 1e-9; k++) out.push(Number((k * step).toFixed(6)));
  return out;
}

function decimalsFor(step: number): number {
  return step >= 1 ? 0 : Math.min(3, Math.ceil(-Math.log10(step) - 1e-9));
}

export type ElapsedStyle = 's' | 'm:ss' | 'h:mm:ss';

/** One style for a whole axis, from the latest time on it: seconds under a minute, then m:ss, then h:mm:ss. */
export function elapsedStyle(upTo: number): ElapsedStyle {
  return upTo < 60 ? 's' : upTo < 3600 ? 'm:ss' : 'h:mm:ss';
}

/** Elapsed time from the start: "12.5 s" in style 's' (with the unit), else "m:ss" / "h:mm:ss", with the decimals the step needs. */
export function formatElapsed(t: number, step: number, style: ElapsedStyle = elapsedStyle(Math.abs(t))): string {
  const sign = t < 0 ? '-' : '';
  const a = Math.abs(t);
  const d = decimalsFor(step);
  if (style === 's') return `${sign}${a.toFixed(d)} s`;
  return sign + hms(a, d, style === 'h:mm:ss');
}

/** Clock time of `epochS` (seconds since the Unix epoch) in the local zone, "HH:MM:SS" with the decimals the step needs. */
export function formatClock(epochS: number, step: number): string {
  const d = decimalsFor(step);
  const date = new Date(Math.round(epochS * 1000));
  const secs = date.getSeconds() + (d > 0 ? date.getMilliseconds() / 1000 : 0);
  const ss = d > 0 ? secs.toFixed(d).padStart(3 + d, '0') : String(date.getSeconds()).padStart(2, '0');
  return `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${ss}`;
}

/** A length for people: "250 ms", "1.5 s", "2 min 10 s", "3 h 05 min". */
export function formatLength(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const a = Math.abs(seconds);
  if (a < 1) return `${(seconds * 1000).toFixed(a < 0.01 ? 1 : 0)} ms`;
  if (a < 60) return `${Number(seconds.toFixed(a < 10 ? 2 : 1))} s`;
  if (a < 3600) return `${Math.floor(a / 60)} min${Math.round(a % 60) ? ` ${Math.round(a % 60)} s` : ''}`;
  return `${Math.floor(a / 3600)} h ${pad2(Math.floor((a % 3600) / 60))} min`;
}

function hms(a: number, decimals: number, withHours: boolean): string {
  const h = Math.floor(a / 3600);
  const m = Math.floor((a % 3600) / 60);
  const s = a - h * 3600 - m * 60;
  const ss = decimals > 0 ? s.toFixed(decimals).padStart(3 + decimals, '0') : pad2(Math.floor(s));
  return h > 0 || withHours ? `${h}:${pad2(m)}:${ss}` : `${m}:${ss}`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * The agreement view's contract (the reference-validation bench): two sources of the same quantity
 * of one session, paired on a 1 Hz grid, compared as Bland & Altman (1986) do. The difference is
 * always B minus A (A the reference, B the device under test), in the UI, the CLI and the exports.
 * Times are seconds from the session start. Plain JSON (null where a figure is undefined).
 */

/** A source a session offers: one numeric channel of a derived or irregular stream, or a stream's beats as RR intervals. */
export interface AgreementSource {
  /** As given to `--a`/`--b`: the stream's export name (`ecg.metrics`, its default HR channel), `NAME:CHANNEL`, or `NAME:beats`. */
  id: string;
  /** The stream's key (`sim/ecg.metrics`). */
  streamKey: string;
  /** The channel label, or 'beats' for a beat source. */
  channel: string;
  unit: string;
  /** Beat and interval sources (beat marks, RR channels) are also matched beat by beat (Se, +P). */
  beats: boolean;
}

export interface AgreementRequest {
  a: string;
  b: string;
  /** Statistics per protocol step too. */
  byStep?: boolean;
  /** Beat-matching tolerance, ms (default 150). */
  toleranceMs?: number;
  /** B's lag behind A, s: given, it overrides the estimate. */
  lag?: number;
  /** How far the lag is searched either way, s (default 10). */
  maxLag?: number;
}

/** Statistics of the differences B - A of n pairs (null where n is too small or the data constant). */
export interface AgreementStats {
  n: number;
  bias: number | null;
  sd: number | null;
  /** 95 % limits of agreement: bias ± 1.96 SD. */
  loa: [number, number] | null;
  mae: number | null;
  rmse: number | null;
  r: number | null;
}

/** Beat matching of B's beats against A's (percent), within ± tolerance_ms. */
export interface BeatAgreement {
  se: number;
  ppv: number;
  tolerance_ms: number;
  tp: number;
  fn: number;
  fp: number;
}

export interface StepAgreement extends AgreementStats {
  name: string;
  start: number;
  end: number;
  beats?: BeatAgreement;
}

export interface AgreementReport extends AgreementStats {
  sessionId: number;
  a: AgreementSource;
  b: AgreementSource;
  /** The lag used: B's samples at t + lag_s pair with A's at t. */
  lag_s: number;
  /** The estimated lag (null: too few pairs to estimate), and whether lag_s is a manual override of it. */
  lag_estimated_s: number | null;
  lag_manual: boolean;
  beats?: BeatAgreement;
  steps: StepAgreement[];
}

/** The report plus the pairs for the plots: all of them, or an even thinning to at most `AGREEMENT_PLOT_POINTS`. */
export interface AgreementResult {
  report: AgreementReport;
  /** Grid time (A's clock), A's value, B's value. */
  points: { t: number[]; a: number[]; b: number[] };
}

export const AGREEMENT_PLOT_POINTS = 2000;
export const DEFAULT_TOLERANCE_MS = 150;
export const DEFAULT_MAX_LAG_S = 10;

/** The report as one CSV table (overall, then a row per step), its settings in `#` lines above. */
export function agreementCsv(r: AgreementReport): string {
  const num = (x: number | null | undefined) => (x === null || x === undefined ? '' : String(+x.toPrecision(6)));
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [
    `# session ${r.sessionId}: A = ${r.a.id} (${r.a.unit}), B = ${r.b.id} (${r.b.unit}); difference = B - A`,
    `# lag_s ${num(r.lag_s)} (${r.lag_manual ? 'manual' : 'estimated'}; estimated ${num(r.lag_estimated_s)})${r.beats ? `; beat tolerance ±${r.beats.tolerance_ms} ms` : ''}`,
    'scope,name,start_s,end_s,n,bias,sd,loa_lo,loa_hi,mae,rmse,r,se_pct,ppv_pct',
  ];
  const row = (scope: string, name: string, start: number | null, end: number | null, s: AgreementStats, beats?: BeatAgreement) =>
    [scope, quote(name), num(start), num(end), s.n, num(s.bias), num(s.sd), num(s.loa?.[0]), num(s.loa?.[1]), num(s.mae), num(s.rmse), num(s.r), num(beats?.se), num(beats?.ppv)].join(',');
  lines.push(row('overall', '', null, null, r, r.beats));
  for (const s of r.steps) lines.push(row('step', s.name, s.start, s.end, s, s.beats));
  return lines.join('\n') + '\n';
}

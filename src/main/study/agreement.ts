/**
 * Agreement of two sources of one quantity (Bland & Altman 1986, Lancet i:307-310): both read on a
 * common 1 Hz grid by linear interpolation between each source's own samples, their lag estimated,
 * and the differences B - A summarised. Pure: no I/O.
 */
import { pairBeats, ppv, se } from '../analysis/evaluation/beat-matching';
import type { AgreementStats, BeatAgreement, StepAgreement } from '../../shared/agreement';

/** A source's samples: times (s, ascending) and values. A NaN value is a break (a gap): never interpolated across. */
export interface Series {
  t: ArrayLike<number>;
  v: ArrayLike<number>;
}

/** Paired values at grid times t (A's clock); B was read at t + lag. */
export interface Pairs {
  t: number[];
  a: number[];
  b: number[];
}

export const GRID_STEP_S = 1;
/** A grid time gets a value only when a sample lies within this on each side of it: holes wider than 2x are never bridged. */
export const REACH_S = 5;
/** Pairs per shift the lag search looks at, at most. */
const SEARCH_PAIRS = 10_000;
/** Times this close count as equal (host epoch seconds carry ~0.2 µs of rounding). */
const EPSILON_S = 1e-6;

/**
 * Reads a series at ascending times by linear interpolation between its two samples around each
 * time, both within REACH_S of it; NaN where there are none or a break lies between.
 */
class Interpolator {
  private i = 0;

  constructor(private readonly s: Series) {}

  at(t: number): number {
    const { t: ts, v } = this.s;
    const last = ts.length - 1;
    while (this.i < last && ts[this.i + 1] <= t + EPSILON_S) this.i++;
    const i = this.i;
    if (last < 0 || ts[i] > t + EPSILON_S) return NaN;
    if (Math.abs(ts[i] - t) <= EPSILON_S) return v[i];
    if (i === last || t - ts[i] > REACH_S || ts[i + 1] - t > REACH_S) return NaN;
    return v[i] + ((v[i + 1] - v[i]) * (t - ts[i])) / (ts[i + 1] - ts[i]);
  }
}

/**
 * A and B paired at every whole second where both have a value, B shifted by `lag` (B's sample at
 * t + lag pairs with A's at t); `every` > 1 takes only every so many seconds of that grid.
 */
export function pairOnGrid(a: Series, b: Series, lag = 0, every = 1): Pairs {
  const pairs: Pairs = { t: [], a: [], b: [] };
  if (a.t.length === 0 || b.t.length === 0) return pairs;
  const from = Math.ceil(Math.max(a.t[0], b.t[0] - lag) - EPSILON_S) || 0; // never -0
  const to = Math.min(a.t[a.t.length - 1], b.t[b.t.length - 1] - lag);
  const ia = new Interpolator(a);
  const ib = new Interpolator(b);
  for (let t = from; t <= to + EPSILON_S; t += GRID_STEP_S * every) {
    const va = ia.at(t);
    const vb = ib.at(t + lag);
    if (Number.isNaN(va) || Number.isNaN(vb)) continue;
    pairs.t.push(t);
    pairs.a.push(va);
    pairs.b.push(vb);
  }
  return pairs;
}

/** n, bias (mean of B - A), SD of the differences (n - 1), 95 % limits of agreement, MAE, RMSE and Pearson r. */
export function differenceStats(a: readonly number[], b: readonly number[]): AgreementStats {
  const n = a.length;
  if (n === 0) return { n, bias: null, sd: null, loa: null, mae: null, rmse: null, r: null };
  let sum = 0,
    abs = 0,
    sq = 0,
    ma = 0,
    mb = 0;
  for (let i = 0; i < n; i++) {
    const d = b[i] - a[i];
    sum += d;
    abs += Math.abs(d);
    sq += d * d;
    ma += a[i];
    mb += b[i];
  }
  const bias = sum / n;
  ma /= n;
  mb /= n;
  let ss = 0,
    saa = 0,
    sbb = 0,
    sab = 0;
  for (let i = 0; i < n; i++) {
    const d = b[i] - a[i] - bias;
    ss += d * d;
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
    sab += (a[i] - ma) * (b[i] - mb);
  }
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : null;
  const r = n > 1 && saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : null;
  return { n, bias, sd, loa: sd === null ? null : [bias - 1.96 * sd, bias + 1.96 * sd], mae: abs / n, rmse: Math.sqrt(sq / n), r };
}

/**
 * B's lag behind A within ±maxLag s: the shift minimising the SD of the differences (not the MAE,
 * so a constant bias does not pull it; not r, which is unstable when HR hardly varies), searched
 * at 1 s steps, then at 0.1 s around the best. A shift counts only with at least half the pairs of
 * the best-covered one, so it cannot win by overlapping less; ties go to the smaller |lag|.
 * Null when no shift has 3 pairs. A long recording is searched on every few seconds of the grid
 * (at most SEARCH_PAIRS pairs a shift): the whole comparison of a day at 1 Hz then takes ~0.15 s, not ~0.5 s, on the engine's thread.
 */
export function estimateLag(a: Series, b: Series, maxLag: number): number | null {
  if (a.t.length === 0 || b.t.length === 0) return null;
  const span = Math.min(a.t[a.t.length - 1], b.t[b.t.length - 1]) - Math.max(a.t[0], b.t[0]);
  const every = Math.max(1, Math.ceil(span / GRID_STEP_S / SEARCH_PAIRS));
  const score = (lag: number) => {
    const p = pairOnGrid(a, b, lag, every);
    return { lag, n: p.t.length, sd: differenceStats(p.a, p.b).sd ?? Infinity };
  };
  const best = (lags: number[]) => {
    const scored = lags.map(score);
    const enough = Math.max(3, Math.max(...scored.map((s) => s.n)) / 2);
    const valid = scored.filter((s) => s.n >= enough);
    valid.sort((x, y) => x.sd - y.sd || Math.abs(x.lag) - Math.abs(y.lag));
    return valid[0] ?? null;
  };
  const whole = Math.floor(maxLag);
  const coarse = best(Array.from({ length: 2 * whole + 1 }, (_, k) => k - whole));
  if (!coarse) return null;
  // Tenths of a second as integers, so the lags come out round.
  const tenths = Math.round(coarse.lag * 10);
  const fine: number[] = [];
  for (let k = tenths - 9; k <= tenths + 9; k++) if (Math.abs(k) <= maxLag * 10) fine.push(k / 10);
  return best(fine)?.lag ?? coarse.lag;
}

/**
 * The lag of B's beats behind A's to the millisecond, refining `lag` (found on the series, 0.1 s):
 * plus the median offset from each A beat to B's nearest beat within 0.4 s of it. A PPG's pulse
 * arrives a couple of hundred ms after the ECG's R peak; matching needs that offset taken out.
 */
export function beatLag(a: readonly number[], b: readonly number[], lag: number): number {
  const offsets: number[] = [];
  let j = 0;
  for (const ta of a) {
    const t = ta + lag;
    while (j + 1 < b.length && b[j + 1] <= t) j++;
    const near = [b[j], b[j + 1]].filter((x) => x !== undefined).reduce((best, x) => (Math.abs(x - t) < Math.abs(best - t) ? x : best), Infinity);
    if (Math.abs(near - t) <= 0.4) offsets.push(near - t);
  }
  if (offsets.length === 0) return lag;
  offsets.sort((x, y) => x - y);
  return Math.round((lag + offsets[offsets.length >> 1]) * 1000) / 1000;
}

/**
 * B's beats matched to A's (the reference) within ±toleranceMs after shifting B back by the lag,
 * over the span both cover (and `span`, when given), leaving out the `gaps` where either lost data.
 * Edge-safe: Se counts A's beats at least a tolerance inside that span against all of B's, +P
 * counts B's beats that far inside against all of A's, so a beat whose partner lies just across an
 * edge is neither missed nor extra.
 */
export function beatAgreement(
  a: readonly number[],
  b: readonly number[],
  lag: number,
  toleranceMs: number,
  span?: [number, number],
  gaps: readonly [number, number][] = [],
): BeatAgreement {
  const tol = toleranceMs / 1000;
  const shifted = b.map((t) => t - lag);
  const lo = Math.max(a[0] ?? Infinity, shifted[0] ?? Infinity, span?.[0] ?? -Infinity);
  const hi = Math.min(a[a.length - 1] ?? -Infinity, shifted[shifted.length - 1] ?? -Infinity, span?.[1] ?? Infinity);
  const outer = (t: number) => t >= lo - tol && t <= hi + tol;
  const inner = (t: number) => t >= lo + tol && t <= hi - tol && !gaps.some(([from, to]) => t >= from - tol && t <= to + tol);
  const aInner = a.filter(inner);
  const bInner = shifted.filter(inner);
  const tp = pairBeats(aInner, shifted.filter(outer), tol).length;
  const fn = aInner.length - tp;
  const tpB = pairBeats(a.filter(outer), bInner, tol).length;
  const fp = bInner.length - tpB;
  return { se: se({ tp, fn, fp }), ppv: ppv({ tp: tpB, fn, fp }), tolerance_ms: toleranceMs, tp, fn, fp };
}

/** What `compareSources` is given: the two series, their beats when both are beat or interval sources, the steps (s from the start). */
export interface ComparisonInput {
  a: Series;
  b: Series;
  /** `gaps`: spans (s) where either source lost data; beats there are neither missed nor extra. */
  beats?: { a: readonly number[]; b: readonly number[]; toleranceMs: number; gaps?: readonly [number, number][] };
  steps?: readonly { name: string; start: number; end: number }[];
  /** A manual lag; else it is estimated within ±maxLag. */
  lag?: number;
  maxLag: number;
}

export interface Comparison {
  lag: number;
  lagEstimated: number | null;
  pairs: Pairs;
  overall: AgreementStats;
  beats?: BeatAgreement;
  steps: StepAgreement[];
}

/** The whole comparison: lag, pairs, statistics overall and per step (a pair belongs to the step its grid time falls in). */
export function compareSources(input: ComparisonInput): Comparison {
  const beats = input.beats;
  const coarse = estimateLag(input.a, input.b, input.maxLag);
  const lagEstimated = beats && coarse !== null ? beatLag(beats.a, beats.b, coarse) : coarse;
  const lag = input.lag ?? lagEstimated ?? 0;
  const pairs = pairOnGrid(input.a, input.b, lag);
  const steps = (input.steps ?? []).map((step): StepAgreement => {
    const a: number[] = [];
    const b: number[] = [];
    pairs.t.forEach((t, i) => {
      if (t >= step.start && t < step.end) {
        a.push(pairs.a[i]);
        b.push(pairs.b[i]);
      }
    });
    return { name: step.name, start: step.start, end: step.end, ...differenceStats(a, b), ...(beats ? { beats: beatAgreement(beats.a, beats.b, lag, beats.toleranceMs, [step.start, step.end], beats.gaps) } : {}) };
  });
  return {
    lag,
    lagEstimated,
    pairs,
    overall: differenceStats(pairs.a, pairs.b),
    ...(beats ? { beats: beatAgreement(beats.a, beats.b, lag, beats.toleranceMs, undefined, beats.gaps) } : {}),
    steps,
  };
}

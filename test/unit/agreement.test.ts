import { describe, expect, it } from 'vitest';
import { agreementCsv, type AgreementReport } from '../../src/shared/agreement';
import { beatAgreement, beatLag, compareSources, differenceStats, estimateLag, pairOnGrid, type Series } from '../../src/main/study/agreement';
import { Prng } from '../../src/main/devices/simulator/signals/prng';

/** A heart-rate-like signal with enough variation to align on (seeded noise). */
function hr(seed: number): (t: number) => number {
  const rng = new Prng(seed);
  const wobble = Array.from({ length: 400 }, () => rng.next() * 6 - 3);
  const knot = (k: number) => wobble[Math.max(0, Math.min(399, k))];
  // Random knots every 3 s joined by straight lines: what interpolation recovers exactly between them.
  return (t) => 70 + 12 * Math.sin(t / 40) + knot(Math.floor(t / 3)) + (knot(Math.floor(t / 3) + 1) - knot(Math.floor(t / 3))) * (t / 3 - Math.floor(t / 3));
}

function sampled(f: (t: number) => number, times: number[]): Series {
  return { t: times, v: times.map(f) };
}

const range = (from: number, to: number, step: number) => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);

describe('pairOnGrid', () => {
  it('interpolates linearly between each source’s own samples on whole seconds', () => {
    const a: Series = { t: [0, 2, 4], v: [10, 20, 30] };
    const b: Series = { t: [0.5, 1.5, 2.5, 3.5], v: [1, 2, 3, 4] };
    // Grid 1..3 (B starts at 0.5, A ends at 4, B at 3.5): A at 1 = 15, B at 1 = 1.5.
    expect(pairOnGrid(a, b)).toEqual({ t: [1, 2, 3], a: [15, 20, 25], b: [1.5, 2.5, 3.5] });
  });

  it('gives no pairs in a 20 s hole of one source, and pairs again after it', () => {
    const a = sampled(() => 60, range(0, 100, 1));
    // B (irregular, ~0.8 s) lacks samples from 40 to 60 s.
    const times = range(0, 100, 0.8).filter((t) => t < 40 || t > 60);
    const b = sampled(() => 61, times);
    const { t } = pairOnGrid(a, b);
    expect(t.filter((x) => x > 40 && x < 60)).toEqual([]);
    expect(t).toContain(39);
    expect(t).toContain(61);
  });

  it('reads a grid time only with a sample within 5 s on each side, and never across a NaN break', () => {
    const grid = sampled(() => 0, range(0, 12, 1));
    expect(pairOnGrid(grid, { t: [0, 6], v: [0, 60] }).b).toEqual(range(0, 60, 10));
    expect(pairOnGrid(grid, { t: [0, 12], v: [0, 120] }).t).toEqual([0, 12]);
    const broken: Series = { t: [0, 1, 2, 3], v: [1, 1, NaN, 1] };
    expect(pairOnGrid(grid, broken).t).toEqual([0, 1, 3]);
  });
});

describe('differenceStats (B - A)', () => {
  it('matches hand-computed bias, SD, limits of agreement, MAE, RMSE and r', () => {
    const a = [60, 62, 64, 66, 68];
    const b = [61, 62, 66, 65, 71];
    // d = 1, 0, 2, -1, 3: mean 1; squared deviations 0, 1, 1, 4, 4 = 10, SD sqrt(10/4) = 1.5811.
    const s = differenceStats(a, b);
    expect(s.n).toBe(5);
    expect(s.bias).toBeCloseTo(1, 12);
    expect(s.sd).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(s.loa![0]).toBeCloseTo(1 - 1.96 * Math.sqrt(2.5), 12);
    expect(s.loa![1]).toBeCloseTo(1 + 1.96 * Math.sqrt(2.5), 12);
    expect(s.mae).toBeCloseTo(7 / 5, 12);
    expect(s.rmse).toBeCloseTo(Math.sqrt(15 / 5), 12);
    // a - 64 = -4,-2,0,2,4; b - 65 = -4,-3,1,0,6: sab 16+6+0+0+24 = 46, saa 40, sbb 16+9+1+0+36 = 62.
    expect(s.r).toBeCloseTo(46 / Math.sqrt(40 * 62), 12);
  });

  it('leaves undefined figures null: SD and LoA of one pair, r of a constant source, everything of none', () => {
    expect(differenceStats([70], [72])).toMatchObject({ n: 1, bias: 2, sd: null, loa: null, r: null });
    expect(differenceStats([70, 70, 70], [71, 72, 73]).r).toBeNull();
    expect(differenceStats([], [])).toEqual({ n: 0, bias: null, sd: null, loa: null, mae: null, rmse: null, r: null });
  });
});

describe('estimateLag', () => {
  it('finds a known lag of 3 s between irregular sources, and a constant bias does not move it', () => {
    const f = hr(7);
    const a = sampled(f, range(0, 600, 1));
    // B sees the same heart 3 s late, 5 bpm high, at ~0.7 s irregular times.
    const rng = new Prng(11);
    const times: number[] = [];
    for (let t = 0.2; t < 600; t += 0.5 + 0.4 * rng.next()) times.push(t);
    const b = sampled((t) => f(t - 3) + 5, times);
    expect(estimateLag(a, b, 10)).toBeCloseTo(3, 5);
    // The other way round the grid falls on the irregular source: its interpolation costs a tenth at most.
    expect(Math.abs(estimateLag(b, a, 10)! + 3)).toBeLessThanOrEqual(0.1 + 1e-9);
  });

  it('is null when the sources never overlap', () => {
    expect(estimateLag(sampled(() => 1, range(0, 10, 1)), sampled(() => 1, range(100, 110, 1)), 10)).toBeNull();
  });
});

describe('beat matching', () => {
  const reference = range(1, 60, 0.8);

  it('counts matches within the tolerance after taking out the beats’ lag', () => {
    // B: every beat 250 ms late (a pulse's transit), one missed, one extra.
    const detected = reference.filter((_, i) => i !== 10).map((t) => t + 0.25);
    detected.push(30.4);
    detected.sort((x, y) => x - y);
    expect(beatLag(reference, detected, 0)).toBeCloseTo(0.25, 6);
    const m = beatAgreement(reference, detected, 0.25, 150);
    // The first and last beats lie within a tolerance of the common span's edges: not counted.
    const counted = reference.length - 2;
    expect(m).toMatchObject({ tp: counted - 1, fn: 1, fp: 1, tolerance_ms: 150 });
    expect(m.se).toBeCloseTo((100 * (counted - 1)) / counted, 9);
    // A gap over the missed beat (and the extra one) takes both out of the count.
    expect(beatAgreement(reference, detected, 0.25, 150, undefined, [[reference[10] - 0.3, 30.5]])).toMatchObject({ fn: 0, fp: 0 });
    // Unshifted, 250 ms is outside ±150 ms: nothing matches.
    expect(beatAgreement(reference, detected, 0, 150).tp).toBe(0);
  });
});

describe('compareSources', () => {
  it('uses a manual lag over the estimate, and splits pairs by step', () => {
    const f = hr(3);
    const a = sampled(f, range(0, 300, 1));
    const b = sampled((t) => f(t - 2) + 1, range(0, 300, 1));
    const steps = [
      { name: 'rest', start: 0, end: 100 },
      { name: 'walk', start: 100, end: 301 },
    ];
    const estimated = compareSources({ a, b, maxLag: 10, steps });
    expect(estimated.lag).toBeCloseTo(2, 5);
    expect(estimated.overall.bias).toBeCloseTo(1, 6);
    expect(estimated.overall.sd).toBeLessThan(1e-6);
    expect(estimated.steps.map((s) => s.n)).toEqual([100, estimated.overall.n - 100]);
    const manual = compareSources({ a, b, maxLag: 10, lag: 0 });
    expect(manual.lag).toBe(0);
    expect(manual.lagEstimated).toBeCloseTo(2, 5);
    expect(manual.overall.sd).toBeGreaterThan(0.5);
    expect(manual.steps).toEqual([]);
  });
});

describe('agreementCsv', () => {
  it('writes the overall row and one per step, blank where a figure is undefined', () => {
    const source = { streamKey: 'sim/x', channel: 'HR', unit: 'bpm', beats: false };
    const report: AgreementReport = {
      sessionId: 4,
      a: { id: 'ecg.metrics', ...source },
      b: { id: 'ppg.metrics', ...source },
      lag_s: 1.5,
      lag_estimated_s: 1.5,
      lag_manual: false,
      ...differenceStats([60, 62], [61, 64]),
      steps: [{ name: 'sit, then "stand"', start: 0, end: 60, ...differenceStats([], []) }],
    };
    const lines = agreementCsv(report).trim().split('\n');
    expect(lines[0]).toContain('difference = B - A');
    expect(lines[3]).toBe(['overall', '', '', '', 2, 1.5, 0.707107, 0.114071, 2.88593, 1.5, 1.58114, 1, '', ''].join(','));
    expect(lines[4]).toBe('step,"sit, then ""stand""",0,60,0,,,,,,,,,');
  });
});

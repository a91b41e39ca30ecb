import { describe, expect, it } from 'vitest';
import { decimateMinMax, extent, paddedRange, type XYSeries } from '../../src/renderer/src/live/decimate';

function series(y: number[]): XYSeries {
  return { n: y.length, x: Float64Array.from(y.map((_, i) => i)), y: Float32Array.from(y) };
}

describe('decimateMinMax', () => {
  it('returns the input when it has fewer points than columns', () => {
    const s = series([1, 2, 3]);
    expect(decimateMinMax(s, 0, 3, 10)).toBe(s);
  });

  it('keeps the min and the max of every column, in order', () => {
    // 1000 points over 10 columns: a spike up and a spike down in column 3.
    const y = Array.from({ length: 1000 }, (_, i) => Math.sin(i / 7));
    y[345] = 50;
    y[310] = -50;
    const s = series(y);
    const out = decimateMinMax(s, 0, 1000, 10);
    expect(out.n).toBeLessThanOrEqual(20);
    const ys = Array.from(out.y as Float32Array).slice(0, out.n);
    const xs = Array.from(out.x as Float64Array).slice(0, out.n);
    expect(ys).toContain(50);
    expect(ys).toContain(-50);
    expect(xs.indexOf(310)).toBeLessThan(xs.indexOf(345));
    // Every column's extremes are present.
    for (let c = 0; c < 10; c++) {
      const col = y.slice(c * 100, c * 100 + 100);
      const kept = ys.filter((_, k) => Math.floor(xs[k] / 100) === c);
      expect(Math.min(...kept)).toBeCloseTo(Math.min(...col), 5);
      expect(Math.max(...kept)).toBeCloseTo(Math.max(...col), 5);
    }
    // x stays increasing, so the polyline never goes backwards.
    for (let k = 1; k < xs.length; k++) expect(xs[k]).toBeGreaterThan(xs[k - 1]);
  });

  it('skips NaN and clamps points outside the range', () => {
    const y = Array.from({ length: 100 }, (_, i) => (i % 10 === 0 ? NaN : i));
    const out = decimateMinMax({ n: 100, x: Float64Array.from(y.map((_, i) => i - 10)), y: Float32Array.from(y) }, 0, 80, 4);
    const ys = Array.from(out.y as Float32Array).slice(0, out.n);
    expect(ys.some(Number.isNaN)).toBe(false);
    expect(ys[0]).toBe(1);
    expect(ys[ys.length - 1]).toBe(99);
  });
});

describe('extent and paddedRange', () => {
  it('ignores NaN and pads the span', () => {
    expect(extent(Float32Array.from([NaN, 2, -3, 5]), 4)).toEqual({ min: -3, max: 5 });
    expect(extent(Float32Array.from([NaN]), 1)).toBeNull();
    const r = paddedRange(0, 10, 0.1);
    expect(r.min).toBeCloseTo(-1);
    expect(r.max).toBeCloseTo(11);
    const flat = paddedRange(4, 4);
    expect(flat.min).toBeLessThan(4);
    expect(flat.max).toBeGreaterThan(4);
  });
});

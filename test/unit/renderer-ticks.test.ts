import { describe, expect, it } from 'vitest';
import { formatTick, niceStep, niceTicks, ticksWithin } from '../../src/renderer/src/live/ticks';

const isRound = (step: number) => {
  const f = step / Math.pow(10, Math.floor(Math.log10(step) + 1e-9));
  return [1, 2, 5].some((m) => Math.abs(f - m) < 1e-9);
};

describe('ticks', () => {
  it.each([
    [0, 10, 5],
    [-10, 0, 5],
    [0.013, 0.087, 4],
    [-1234, 5678, 6],
    [980.5, 1021.2, 3],
    [-0.3, 0.3, 5],
  ])('niceTicks(%f, %f, %i) gives round numbers covering the range', (min, max, target) => {
    const t = niceTicks(min, max, target);
    expect(isRound(t.step)).toBe(true);
    expect(t.lo).toBeLessThanOrEqual(min);
    expect(t.hi).toBeGreaterThanOrEqual(max);
    expect(t.lo).toBeGreaterThan(min - t.step - 1e-9);
    expect(t.hi).toBeLessThan(max + t.step + 1e-9);
    for (const v of t.values) expect(Math.abs(v / t.step - Math.round(v / t.step))).toBeLessThan(1e-6);
    expect(t.values.length).toBeGreaterThanOrEqual(2);
    expect(t.values.length).toBeLessThanOrEqual(target * 2.5 + 2);
  });

  it('has no floating-point noise', () => {
    expect(niceTicks(0, 1, 10).values).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(niceStep(10, 5)).toBe(2);
    expect(niceStep(7, 3)).toBe(5);
  });

  it('handles flat and reversed ranges', () => {
    const flat = niceTicks(3, 3);
    expect(flat.lo).toBeLessThan(3);
    expect(flat.hi).toBeGreaterThan(3);
    expect(niceTicks(10, 0).values[0]).toBe(0);
  });

  it('keeps ticks inside the range and formats them', () => {
    expect(ticksWithin(-10, 0, 5)).toEqual([-10, -8, -6, -4, -2, 0]);
    expect(ticksWithin(0.15, 0.95, 4)).toEqual([0.2, 0.4, 0.6, 0.8]);
    expect(formatTick(0.30000000000000004, 0.1)).toBe('0.3');
    expect(formatTick(-0.0001, 1)).toBe('0');
    expect(formatTick(2500, 500)).toBe('2500');
  });
});

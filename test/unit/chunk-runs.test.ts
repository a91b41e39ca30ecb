import { describe, expect, it } from 'vitest';
import { concatRun, contiguousRuns } from '../../src/main/acquisition/chunk-runs';
import type { Chunk } from '../../src/shared/types';

const chunk = (index: number, t0: number, n = 10, key = 'b/ecg'): Chunk => ({ key, index, t0, dt: 0.002, n, data: new Float32Array(n).map((_, i) => index + i) });

describe('contiguous runs of chunks', () => {
  it('joins chunks that follow on in index and time, per stream, and concatenates their samples', () => {
    const runs = contiguousRuns([chunk(0, 10), chunk(0, 5, 10, 'b/ppg'), chunk(10, 10.02), chunk(20, 10.04)]);
    expect(runs.map((r) => r.map((c) => c.index))).toEqual([[0, 10, 20], [0]]);
    const joined = concatRun(runs[0]);
    expect(joined.n).toBe(30);
    expect(Array.from(joined.data.slice(0, 3))).toEqual([0, 1, 2]);
    expect(joined.data[29]).toBe(29);
  });

  it('splits at lost samples and at a time jump', () => {
    expect(contiguousRuns([chunk(0, 10), chunk(15, 10.03)]).length).toBe(2);
    expect(contiguousRuns([chunk(0, 10), chunk(10, 10.025)]).length).toBe(2);
  });

  it('splits when small steps of the clock add up to more than half a sample from the run start', () => {
    // Each chunk starts 0.6 ms late against the one before it (under half a 2 ms sample), so
    // joining by neighbours alone would let the run's times drift 1.2 ms by the third chunk.
    const runs = contiguousRuns([chunk(0, 10), chunk(10, 10.0206), chunk(20, 10.0412), chunk(30, 10.0618)]);
    expect(runs.map((r) => r.map((c) => c.index))).toEqual([[0, 10], [20, 30]]);
    for (const run of runs) {
      const joined = concatRun(run);
      for (const c of run) expect(Math.abs(joined.t0 + (c.index - joined.index) * joined.dt - c.t0)).toBeLessThan(0.001);
    }
  });
});

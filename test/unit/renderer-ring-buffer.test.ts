import { describe, expect, it } from 'vitest';
import { RingBuffer } from '../../src/renderer/src/live/ring-buffer';

/** Channel-major block of n samples: channel c, sample i = start + i + 1000*c. */
function block(start: number, n: number, channels: number): Float32Array {
  const d = new Float32Array(n * channels);
  for (let c = 0; c < channels; c++) for (let i = 0; i < n; i++) d[c * n + i] = start + i + 1000 * c;
  return d;
}

describe('RingBuffer', () => {
  it('keeps samples in order before wrapping', () => {
    const rb = new RingBuffer(2, { capacity: 8 });
    rb.push(0, 1, 5, block(0, 5, 2));
    expect(rb.length).toBe(5);
    const w = rb.window(-Infinity);
    expect(Array.from(w.t.subarray(0, w.n))).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(w.channels[0].subarray(0, w.n))).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(w.channels[1].subarray(0, w.n))).toEqual([1000, 1001, 1002, 1003, 1004]);
  });

  it('wraps around, dropping the oldest samples', () => {
    const rb = new RingBuffer(2, { capacity: 8 });
    rb.push(0, 1, 5, block(0, 5, 2));
    rb.push(5, 1, 6, block(5, 6, 2));
    expect(rb.length).toBe(8);
    expect(rb.oldestTime).toBe(3);
    expect(rb.newestTime).toBe(10);
    const w = rb.window(-Infinity);
    expect(Array.from(w.t.subarray(0, w.n))).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(Array.from(w.channels[0].subarray(0, w.n))).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
    expect(Array.from(w.channels[1].subarray(0, w.n))).toEqual([1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010]);
  });

  it('keeps only the tail of a block larger than the capacity', () => {
    const rb = new RingBuffer(1, { capacity: 4 });
    rb.push(0, 0.5, 10, block(0, 10, 1));
    const w = rb.window(-Infinity);
    expect(Array.from(w.channels[0].subarray(0, w.n))).toEqual([6, 7, 8, 9]);
    expect(Array.from(w.t.subarray(0, w.n))).toEqual([3, 3.5, 4, 4.5]);
  });

  it('extracts a time window across the wrap point', () => {
    const rb = new RingBuffer(1, { capacity: 8 });
    rb.push(0, 0.1, 13, block(0, 13, 1)); // keeps t = 0.5 .. 1.2, wrapped
    const w = rb.window(0.75, 1.05);
    expect(w.n).toBe(3);
    expect(Array.from(w.channels[0].subarray(0, w.n))).toEqual([8, 9, 10]);
    const padded = rb.window(0.75, 1.05, 1);
    expect(Array.from(padded.channels[0].subarray(0, padded.n))).toEqual([7, 8, 9, 10, 11]);
    expect(rb.window(5).n).toBe(0);
    expect(rb.window(-Infinity, 0.1).n).toBe(0);
  });

  it('grows instead of overwriting samples inside its retention', () => {
    const rb = new RingBuffer(1, { capacity: 4, retention: 10, maxCapacity: 64 });
    rb.push(0, 1, 3, block(0, 3, 1));
    rb.push(3, 1, 5, block(3, 5, 1));
    expect(rb.capacity).toBeGreaterThanOrEqual(8);
    const w = rb.window(-Infinity);
    expect(Array.from(w.channels[0].subarray(0, w.n))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // Beyond the retention old samples are overwritten as usual.
    rb.push(8, 1, 30, block(8, 30, 1));
    expect(rb.oldestTime).toBeGreaterThanOrEqual(37 - 10 - 1);
    expect(rb.newestTime).toBe(37);
  });

  it('clones independently', () => {
    const rb = new RingBuffer(1, { capacity: 4 });
    rb.push(0, 1, 3, block(0, 3, 1));
    const copy = rb.clone();
    rb.push(3, 1, 3, block(3, 3, 1));
    const w = copy.window(-Infinity);
    expect(Array.from(w.channels[0].subarray(0, w.n))).toEqual([0, 1, 2]);
  });
});

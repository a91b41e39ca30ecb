import { describe, expect, it } from 'vitest';
import { npyHeader } from '../../src/main/formats/dataset/npy';
import { assignSplits, parseSplit } from '../../src/main/formats/dataset/split';
import { centredWindows, overlappingText, slidingWindows, stepAt } from '../../src/main/formats/dataset/windows';

const people = Array.from({ length: 40 }, (_, i) => `P${i}`);
const fractions = { train: 0.7, val: 0.15, test: 0.15 };

describe('participant split', () => {
  it('puts each participant in one split, in the counts the shares ask, the same for a seed whatever the order', () => {
    const a = assignSplits(people, fractions, 7);
    const b = assignSplits([...people].reverse(), fractions, 7);
    expect([...a.entries()].sort()).toEqual([...b.entries()].sort());
    const counts = { train: 0, val: 0, test: 0 };
    for (const s of a.values()) counts[s]++;
    expect(counts).toEqual({ train: 28, val: 6, test: 6 });
    expect(Object.fromEntries(assignSplits(people, fractions, 8))).not.toEqual(Object.fromEntries(a));
  });

  it('gives every asked-for split one of few participants, and parses shares', () => {
    expect(new Set(assignSplits(['A', 'B', 'C'], fractions, 1).values())).toEqual(new Set(['train', 'val', 'test']));
    expect(parseSplit('70,15,15')).toEqual(fractions);
    expect(() => parseSplit('70,30')).toThrow(/three non-negative numbers/);
  });
});

describe('windows', () => {
  it('slides whole windows by the step and centres on beats', () => {
    expect(slidingWindows(0, 5, 2, 1).map((w) => w.start)).toEqual([0, 1, 2, 3]);
    expect(centredWindows([{ t: 3, text: 'V' }], 2)).toEqual([{ start: 2, end: 4, centre: 'V' }]);
  });

  it('labels a window by the events overlapping it and the step in force at its middle', () => {
    const labels = [
      { t: 1, duration: 2, text: 'motion' },
      { t: 5, duration: 0, text: 'cough' },
    ];
    expect(overlappingText(labels, 2.5, 5.5)).toBe('motion|cough');
    expect(overlappingText(labels, 3, 5)).toBe('');
    const steps = [
      { t: 0, duration: 0, text: 'rest' },
      { t: 10, duration: 5, text: 'walk' },
    ];
    expect([stepAt(steps, 5), stepAt(steps, 12), stepAt(steps, 16)]).toEqual(['rest', 'walk', '']);
  });

  it('writes .npy headers numpy reads: 64-byte aligned, shape and dtype', () => {
    const h = npyHeader('<f4', [3, 1, 500]);
    const text = new TextDecoder().decode(h.subarray(10));
    expect(h.length % 64).toBe(0);
    expect(text).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(3, 1, 500\), \} *\n$/);
    expect(new TextDecoder().decode(npyHeader('<i8', [4]).subarray(10))).toContain("'shape': (4,)");
  });
});

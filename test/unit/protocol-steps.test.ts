import { describe, expect, it } from 'vitest';
import { stepIntervals } from '../../src/main/storage/protocol-steps';

describe('stepIntervals', () => {
  it('ends a step at its duration, or at the next step, or at the session end', () => {
    const steps = [
      { t: 0, duration: 60, text: 'rest' },
      { t: 70, duration: 0, text: 'walk' },
      { t: 130, duration: 500, text: 'run' },
    ];
    expect(stepIntervals(steps, 200)).toEqual([
      { name: 'rest', start: 0, end: 60 },
      { name: 'walk', start: 70, end: 130 },
      // A duration past the session's end (a recording stopped mid-step) is cut at the end.
      { name: 'run', start: 130, end: 200 },
    ]);
  });
});

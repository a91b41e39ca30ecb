import { describe, expect, it } from 'vitest';
import { applyBeatEdits } from '../../src/main/analysis/dsp/beat-edits';
import { beatRangeHrv } from '../../src/main/analysis/dsp/ecg/beat-hrv';
import { beatTrain as train } from '../helpers/beat-session';


const clean = (t: number[]) => ({ t, rejected: t.map(() => false) });

describe('beat edits', () => {
  const beats = clean([1, 2, 3, 4]);

  it('adds, deletes, moves, rejects and unrejects the nearest beat, keeping the series sorted', () => {
    expect(applyBeatEdits(beats, [{ op: 'add', t: 2.5 }]).t).toEqual([1, 2, 2.5, 3, 4]);
    expect(applyBeatEdits(beats, [{ op: 'delete', t: 3.1 }]).t).toEqual([1, 2, 4]);
    expect(applyBeatEdits(beats, [{ op: 'move', from: 1.95, to: 3.5 }]).t).toEqual([1, 3, 3.5, 4]);
    const rejected = applyBeatEdits(beats, [{ op: 'reject', t: 2.9 }]);
    expect(rejected).toEqual({ t: [1, 2, 3, 4], rejected: [false, false, true, false] });
    // A moved beat keeps its flag; unreject clears it.
    expect(applyBeatEdits(rejected, [{ op: 'move', from: 3, to: 0.5 }]).rejected).toEqual([true, false, false, false]);
    expect(applyBeatEdits(rejected, [{ op: 'unreject', t: 3 }]).rejected).toEqual([false, false, false, false]);
    expect(beats.t).toEqual([1, 2, 3, 4]);
  });

  it('refuses a duplicate within 50 ms and a beat not found within 150 ms, naming the time', () => {
    expect(() => applyBeatEdits(beats, [{ op: 'add', t: 2.04 }])).toThrow('add at 2.04 s: there is already a beat at 2 s, within 50 ms; no edit of this batch was applied');
    expect(applyBeatEdits(beats, [{ op: 'add', t: 2.06 }]).t).toHaveLength(5);
    expect(() => applyBeatEdits(beats, [{ op: 'delete', t: 2.5 }])).toThrow('delete at 2.5 s: no beat within 150 ms of 2.5 s (nearest at 2 s)');
    expect(() => applyBeatEdits(beats, [{ op: 'move', from: 3, to: 2.01 }])).toThrow(/already a beat at 2 s/);
    expect(() => applyBeatEdits(clean([]), [{ op: 'reject', t: 1 }])).toThrow(/the series is empty/);
  });

  it('applies a batch in order, and names the edit that fails in a batch', () => {
    // The second edit sees the first: the beat added at 2.5 s is the one rejected.
    expect(applyBeatEdits(beats, [{ op: 'add', t: 2.5 }, { op: 'reject', t: 2.45 }]).rejected).toEqual([false, false, true, false, false]);
    expect(() => applyBeatEdits(beats, [{ op: 'delete', t: 1 }, { op: 'delete', t: 1 }])).toThrow(/^edit 2 of 2 \(delete at 1 s\): no beat within 150 ms of 1 s/);
  });
});

describe('beat classes', () => {
  it('sets and clears the nearest beat\'s class; delete, add and move keep the classes aligned with their beats', () => {
    const beats = clean([1, 2, 3, 4]);
    const v = applyBeatEdits(beats, [{ op: 'classify', t: 2.1, class: 'V' }]);
    expect(v.classes).toEqual([null, 'V', null, null]);
    expect(applyBeatEdits(v, [{ op: 'add', t: 1.5 }, { op: 'delete', t: 1 }]).classes).toEqual([null, 'V', null, null]);
    expect(applyBeatEdits(v, [{ op: 'move', from: 2, to: 3.5 }]).classes).toEqual([null, null, 'V', null]);
    // Clearing the last class leaves a series without classes, as one never classified.
    expect(applyBeatEdits(v, [{ op: 'classify', t: 2, class: null }])).toEqual(beats);
    expect(applyBeatEdits(v, [{ op: 'delete', t: 2 }])).toEqual(clean([1, 3, 4]));
  });

  it('refuses a class that is not a beat class, and a classify far from any beat, applying nothing', () => {
    const beats = clean([1, 2]);
    expect(() => applyBeatEdits(beats, [{ op: 'classify', t: 1, class: 'V' }, { op: 'classify', t: 2, class: 'X' }])).toThrow(
      /^edit 2 of 2 \(class X at 2 s\): "X" is not a beat class \(AAMI N, S, V, F, Q or an MIT-BIH beat code of one/,
    );
    expect(() => applyBeatEdits(beats, [{ op: 'classify', t: 1.5, class: 'N' }])).toThrow('class N at 1.5 s: no beat within 150 ms of 1.5 s (nearest at 1 s)');
    expect(applyBeatEdits(beats, [{ op: 'classify', t: 1, class: 'E' }]).classes).toEqual(['E', null]);
  });
});

describe('HR and HRV over a range of a beat series', () => {
  // Intervals alternate 800/820 ms; beat 5 is an ectopic one splitting 800 + 820 into 700 + 920,
  // both within 20% of their neighbours' median, so only the user can take it out.
  const ectopic = train([800, 820, 800, 820, 700, 920, 800, 820, 800, 820]);

  it('counts both intervals touching a rejected beat out of HR and HRV', () => {
    const all = beatRangeHrv(ectopic, ectopic.map(() => false), [], 0, 100);
    // Differences 20 -20 20 -120 220 -120 20 -20 20: sqrt(79600 / 9) ms; 3 of 9 over 50 ms.
    expect(all).toMatchObject({ beats: 11, nn: 10 });
    expect(all.rmssdMs).toBeCloseTo(Math.sqrt(79600 / 9), 9);
    expect(all.pnn50).toBeCloseTo(100 / 3, 9);
    const rejected = beatRangeHrv(ectopic, ectopic.map((_, i) => i === 5), [], 0, 100);
    // Left: 800 820 800 820 | 800 820 800 820, six differences of 20 ms within the two runs.
    expect(rejected).toMatchObject({ beats: 11, nn: 8, pnn50: 0 });
    expect(rejected.rmssdMs).toBeCloseTo(20, 9);
    expect(rejected.sdnnMs).toBeCloseTo(Math.sqrt(800 / 7), 9);
    expect(rejected.meanHrBpm).toBeCloseTo(60_000 / 810, 9);
  });

  it('merges the two intervals of a deleted false beat into one, unlike rejecting it', () => {
    // A false detection 300 ms after an R wave splits an 860 ms interval into 300 + 560.
    const t = train([800, 820, 800, 820, 300, 560, 820, 800, 820, 800]);
    const detected = beatRangeHrv(t, t.map(() => false), [], 0, 100);
    // 300 and 560 fail the 20% rule: 8 NN, six differences of 20 ms.
    expect(detected).toMatchObject({ nn: 8 });
    expect(detected.rmssdMs).toBeCloseTo(20, 9);
    expect(beatRangeHrv(t, t.map((_, i) => i === 5), [], 0, 100)).toEqual(detected);
    const edited = applyBeatEdits(clean(t), [{ op: 'delete', t: t[5] }]);
    const deleted = beatRangeHrv(edited.t, edited.rejected, [], 0, 100);
    // 800 820 800 820 860 820 800 820 800: differences 20 -20 20 40 -40 -20 20 -20.
    expect(deleted).toMatchObject({ beats: 10, nn: 9, pnn50: 0 });
    expect(deleted.rmssdMs).toBeCloseTo(Math.sqrt(5600 / 8), 9);
  });

  it('uses no interval across a gap that could hide a beat, nor one reaching outside the range', () => {
    const t = train([800, 820, 800, 820, 800, 820, 800, 820]);
    // A gap inside the fourth interval (t[3]..t[4]) takes it out, and with it two differences.
    const gapped = beatRangeHrv(t, t.map(() => false), [[t[3] + 0.1, t[3] + 0.5]], 0, 100);
    expect(gapped.nn).toBe(7);
    expect(beatRangeHrv(t, t.map(() => false), [], 0, 100).nn).toBe(8);
    // [t[2], t[6]): beats 2..5, intervals 2..4 only (the one ending at t[6] starts inside but ends outside).
    expect(beatRangeHrv(t, t.map(() => false), [], t[2], t[6])).toMatchObject({ beats: 4, nn: 3 });
    expect(beatRangeHrv(t, t.map(() => false), [], t[2], t[2] + 0.5)).toEqual({ beats: 1, nn: 0, meanHrBpm: null, sdnnMs: null, rmssdMs: null, pnn50: null });
  });
});

import { describe, expect, it } from 'vitest';
import type { TrackData } from '../../src/shared/review';
import { freezeRanges, laneRanges, withGain } from '../../src/renderer/src/review/amplitude';
import { DEFAULT_LABELS_TEXT, LABELS_STORAGE_KEY, loadLabelList, parseLabelList, saveLabelList } from '../../src/renderer/src/review/label-list';
import { measure, nearestBeat, valueAt } from '../../src/renderer/src/review/measure';
import { beatAction, invertAction, LabelIds, type ReviewAction } from '../../src/renderer/src/review/review-actions';
import { reviewKeyAction, type ReviewKey } from '../../src/renderer/src/review/review-keys';
import { elapsedStyle, formatClock, formatElapsed, formatLength, timeStep, timeTicks } from '../../src/renderer/src/review/time-axis';
import {
  centredOn,
  clampWindow,
  drawnAttr,
  initialWindow,
  MIN_SPAN_S,
  nearestChoice,
  panBy,
  timeScale,
  wholeSession,
  withLength,
  zoomAround,
} from '../../src/renderer/src/review/time-window';
import { UndoStack } from '../../src/renderer/src/review/undo-stack';
import { parseRoute, routeHash } from '../../src/renderer/src/routes';
import { shortcutFor, type KeyLike } from '../../src/renderer/src/shortcuts';

const plain: KeyLike = { key: '', ctrlKey: false, metaKey: false, altKey: false, repeat: false, targetTag: 'BODY', targetEditable: false };
const key = (k: string, extra: Partial<ReviewKey> = {}): ReviewKey => ({ ...plain, shiftKey: false, key: k, ...extra });

describe('routes', () => {
  it('parses the three views and formats them back', () => {
    expect(parseRoute('')).toEqual({ view: 'live' });
    expect(parseRoute('#/live')).toEqual({ view: 'live' });
    expect(parseRoute('#/sessions')).toEqual({ view: 'sessions' });
    expect(parseRoute('#/sessions/')).toEqual({ view: 'sessions' });
    expect(parseRoute('#/sessions/42')).toEqual({ view: 'review', sessionId: 42 });
    expect(parseRoute('#/sessions/x')).toEqual({ view: 'live' });
    expect(parseRoute('#/nowhere')).toEqual({ view: 'live' });
    for (const hash of ['#/live', '#/sessions', '#/sessions/7', '#/sessions/7?t=12.5', '#/models/evaluation']) expect(routeHash(parseRoute(hash))).toBe(hash);
    // A review at a moment: t in seconds from the session start; a bad t is ignored, not an error.
    expect(parseRoute('#/sessions/7?t=1204.6')).toEqual({ view: 'review', sessionId: 7, t: 1204.6 });
    expect(parseRoute('#/sessions/7?t=x')).toEqual({ view: 'review', sessionId: 7 });
    expect(parseRoute('#/models/evaluation')).toEqual({ view: 'evaluation' });
  });

  it('scopes the frame shortcuts: R and M everywhere, Space and F on Live only', () => {
    for (const view of ['live', 'sessions', 'review'] as const) {
      expect(shortcutFor(key('r'), view)).toBe('record');
      expect(shortcutFor(key('M'), view)).toBe('marker');
    }
    expect(shortcutFor(key(' '), 'live')).toBe('pause');
    expect(shortcutFor(key(' '), 'review')).toBeNull();
    expect(shortcutFor(key('f'), 'sessions')).toBeNull();
    expect(shortcutFor(key('f'), 'live')).toBe('filter');
  });
});

describe('time window', () => {
  it('clamps into the session and never below the shortest span', () => {
    expect(clampWindow(-5, 10, 100)).toEqual({ t0: 0, t1: 10 });
    expect(clampWindow(95, 10, 100)).toEqual({ t0: 90, t1: 100 });
    expect(clampWindow(10, 500, 100)).toEqual({ t0: 0, t1: 100 });
    expect(clampWindow(50, 0.001, 100)).toEqual({ t0: 50, t1: 50 + MIN_SPAN_S });
    expect(initialWindow(3600)).toEqual({ t0: 0, t1: 30 });
    expect(initialWindow(12)).toEqual({ t0: 0, t1: 12 });
  });

  it('zooms around an anchor, which stays at the same place on screen', () => {
    const w = zoomAround({ t0: 0, t1: 100 }, 0.5, 75, 1000);
    expect(w).toEqual({ t0: 37.5, t1: 87.5 });
    expect((75 - w.t0) / (w.t1 - w.t0)).toBeCloseTo(0.75, 12);
    // Zooming out at the start cannot go before 0: the window slides instead.
    expect(zoomAround({ t0: 0, t1: 10 }, 2, 5, 1000)).toEqual({ t0: 0, t1: 20 });
    expect(zoomAround({ t0: 0, t1: 100 }, 10, 50, 120)).toEqual({ t0: 0, t1: 120 });
  });

  it('pans by windows, re-centres, picks lengths and maps time to pixels', () => {
    expect(panBy({ t0: 10, t1: 30 }, 0.25, 100)).toEqual({ t0: 15, t1: 35 });
    expect(panBy({ t0: 10, t1: 30 }, -1, 100)).toEqual({ t0: 0, t1: 20 });
    expect(centredOn({ t0: 0, t1: 10 }, 50, 100)).toEqual({ t0: 45, t1: 55 });
    expect(withLength({ t0: 40, t1: 60 }, 60, 100)).toEqual({ t0: 20, t1: 80 });
    expect(wholeSession(86400)).toEqual({ t0: 0, t1: 86400 });
    expect(nearestChoice(25)).toBe(30);
    expect(nearestChoice(4000)).toBe(3600);
    const s = timeScale({ t0: 10, t1: 20 }, 64, 1000);
    expect(s.x(15)).toBe(564);
    expect(s.t(s.x(12.345))).toBeCloseTo(12.345, 12);
    expect(drawnAttr({ t0: 1 / 3, t1: 2 })).toBe('0.333333,2');
  });
});

describe('time axis', () => {
  it('picks readable steps and ticks', () => {
    expect(timeStep(30, 10)).toBe(5);
    expect(timeStep(86400, 10)).toBe(3 * 3600);
    expect(timeStep(0.5, 10)).toBe(0.05);
    expect(timeTicks(7.5, 22.5, 5)).toEqual([10, 15, 20]);
    expect(timeTicks(0, 0.3, 0.1)).toEqual([0, 0.1, 0.2, 0.3]);
  });

  it('writes elapsed time in one style per axis, with units, and clock time', () => {
    expect(elapsedStyle(59)).toBe('s');
    expect(formatElapsed(12.5, 0.5, 's')).toBe('12.5 s');
    expect(formatElapsed(45, 5, 'm:ss')).toBe('0:45');
    expect(formatElapsed(3725, 60, 'h:mm:ss')).toBe('1:02:05');
    expect(formatElapsed(61.25, 0.05, 'm:ss')).toBe('1:01.25');
    const local = new Date(2024, 0, 1, 9, 5, 7, 250).getTime() / 1000;
    expect(formatClock(local, 1)).toBe('09:05:07');
    expect(formatClock(local, 0.05)).toBe('09:05:07.25');
    expect(formatLength(0.802)).toBe('802 ms');
    expect(formatLength(90)).toBe('1 min 30 s');
    expect(formatLength(86400)).toBe('24 h 00 min');
  });
});

describe('undo of labels and beat edits', () => {
  it('runs inverses: add↔delete, move back, reject↔unreject, and a deleted rejected beat comes back rejected', () => {
    const del = beatAction('d/ecg', { op: 'delete', t: 2 }, { rejected: true });
    expect(invertAction(del)).toEqual({ kind: 'beats', key: 'd/ecg', edits: [{ op: 'add', t: 2 }, { op: 'reject', t: 2 }], inverse: [{ op: 'delete', t: 2 }] });
    expect(invertAction(beatAction('d/ecg', { op: 'move', from: 1, to: 1.1 }))).toMatchObject({ edits: [{ op: 'move', from: 1.1, to: 1 }] });
    expect(invertAction(beatAction('d/ecg', { op: 'reject', t: 3 }))).toMatchObject({ edits: [{ op: 'unreject', t: 3 }] });
    // A class goes back to the one before; a deleted classified beat comes back with its class.
    expect(invertAction(beatAction('d/ecg', { op: 'classify', t: 3, class: 'V' }, { class: 'N' }))).toMatchObject({ edits: [{ op: 'classify', t: 3, class: 'N' }] });
    expect(invertAction(beatAction('d/ecg', { op: 'classify', t: 3, class: 'V' }))).toMatchObject({ edits: [{ op: 'classify', t: 3, class: null }] });
    expect(invertAction(beatAction('d/ecg', { op: 'delete', t: 3 }, { class: 'V' }))).toMatchObject({ edits: [{ op: 'add', t: 3 }, { op: 'classify', t: 3, class: 'V' }] });
    const label = { t: 1, duration: 2, text: 'AF' };
    expect(invertAction({ kind: 'label-add', label, id: 5 })).toEqual({ kind: 'label-delete', id: 5, label });
    expect(invertAction({ kind: 'label-update', id: 5, from: label, to: { ...label, text: 'motion' } })).toMatchObject({ from: { text: 'motion' }, to: { text: 'AF' } });
    expect(() => invertAction({ kind: 'label-add', label })).toThrow(/only once it was added/);
  });

  it('keeps undo and redo stacks, and a new action drops the redo stack', () => {
    const stack = new UndoStack<string>(3);
    for (const a of ['a', 'b', 'c', 'd']) stack.push(a);
    expect(stack.peekUndo()).toBe('d');
    stack.undid('d again');
    stack.undid('c again');
    expect(stack.peekUndo()).toBe('b');
    expect(stack.peekRedo()).toBe('c again');
    stack.redid('c');
    expect(stack.peekUndo()).toBe('c');
    stack.push('e');
    expect(stack.canRedo).toBe(false);
    stack.undid('e');
    stack.undid('c');
    stack.undid('b');
    // The oldest ('a') fell off the limit of 3.
    expect(stack.canUndo).toBe(false);
  });

  it('follows a label through the new ids an undo-redo gives it', () => {
    const ids = new LabelIds();
    ids.renamed(5, 7);
    ids.renamed(7, 9);
    expect(ids.current(5)).toBe(9);
    expect(ids.current(9)).toBe(9);
    expect(ids.current(3)).toBe(3);
    const history: ReviewAction[] = [{ kind: 'label-update', id: 5, from: { t: 0, duration: 1, text: 'a' }, to: { t: 0, duration: 1, text: 'b' } }];
    expect(ids.current((history[0] as { id: number }).id)).toBe(9);
  });
});

describe('measurement and values', () => {
  const samples: TrackData = { key: 'k', t0: 0, t1: 1, mode: 'samples', t: [0, 0.1, 0.2, 0.25, 0.5], values: [[1, 2, 3, null, 5]] };
  const columns: TrackData = { key: 'k', t0: 0, t1: 10, mode: 'minmax', columns: 5, level: 64, min: [[0, 1, null, 3, 4], [-1, -1, -1, -1, -1]], max: [[2, 3, null, 5, 6], [1, 1, 1, 1, 1]] };

  it('reads the nearest sample (not across a gap) or the middle of a column', () => {
    expect(valueAt(samples, 0, 0.12)).toBe(2);
    expect(valueAt(samples, 0, 0.26)).toBe(3);
    expect(valueAt(samples, 0, 0.4)).toBe(5);
    expect(valueAt(samples, 0, 0.9, 0.1)).toBeNull();
    expect(valueAt(columns, 0, 1)).toBe(1);
    expect(valueAt(columns, 0, 5)).toBeNull();
    expect(valueAt(columns, 0, 11)).toBeNull();
  });

  it('gives Δt, Δvalue on one track and the heart rate an interval implies', () => {
    const m = measure({ t: 2, value: 10, key: 'k', unit: 'mV' }, { t: 2.8, value: 12.5, key: 'k', unit: 'mV' });
    expect(m.dt).toBeCloseTo(0.8, 12);
    expect(m.dValue).toBe(2.5);
    expect(m.bpm).toBeCloseTo(75, 9);
    expect(measure({ t: 2, value: 10, key: 'a', unit: 'mV' }, { t: 1, value: 1, key: 'b', unit: 'au' })).toMatchObject({ dt: -1, dValue: null, bpm: 60 });
  });

  it('finds the beat within tolerance', () => {
    const beats = [1, 1.8, 2.6];
    expect(nearestBeat(beats, 1.75, 0.1)).toBe(1);
    expect(nearestBeat(beats, 2.2, 0.1)).toBe(-1);
    expect(nearestBeat(beats, 3, 0.5)).toBe(2);
    expect(nearestBeat([], 3, 1)).toBe(-1);
  });
});

describe('amplitude per track', () => {
  const ppg: TrackData = { key: 'p', t0: 0, t1: 1, mode: 'samples', t: [0, 0.5], values: [[4900, 5100], [9600, 10400]] };

  it("auto: one scale per unit around each channel's centre; per channel: each its own; fixed: frozen", () => {
    const [red, ir] = laneRanges(ppg, [0, 1], ['au', 'au'], 'auto', 1, null);
    expect(red!.max - red!.min).toBeCloseTo(ir!.max - ir!.min, 9);
    expect((red!.min + red!.max) / 2).toBeCloseTo(5000, 9);
    expect((ir!.min + ir!.max) / 2).toBeCloseTo(10000, 9);
    const [r2, i2] = laneRanges(ppg, [0, 1], ['au', 'au'], 'per-channel', 1, null);
    expect(r2!.max - r2!.min).toBeCloseTo((i2!.max - i2!.min) / 4, 9);
    // Channels of other units (an IMU's g and dps) never share a scale.
    const [g, dps] = laneRanges(ppg, [0, 1], ['g', 'dps'], 'auto', 1, null);
    expect(g!.max - g!.min).toBeCloseTo(r2!.max - r2!.min, 9);
    expect(dps!.max - dps!.min).toBeCloseTo(i2!.max - i2!.min, 9);
    const frozen = freezeRanges(ppg, [0, 1], ['au', 'au']);
    expect(laneRanges(null, [0, 1], ['au', 'au'], 'fixed', 2, frozen)).toEqual(frozen.map((r) => withGain(r!, 2)));
    expect(withGain({ min: 0, max: 10 }, 2)).toEqual({ min: 2.5, max: 7.5 });
    expect(laneRanges(null, [0], ['au'], 'auto', 1, null)).toEqual([null]);
  });
});

describe('label choices', () => {
  it('parses hotkeys and texts and says which entry is wrong', () => {
    expect(parseLabelList(DEFAULT_LABELS_TEXT).labels[2]).toEqual({ hotkey: '3', text: 'bad contact' });
    const bad = parseLabelList('1 motion, motion2, 1 AF');
    expect(bad.labels).toEqual([{ hotkey: '1', text: 'motion' }]);
    expect(bad.errors[0]).toMatch(/entry 2 “motion2”: start it with a hotkey digit/);
    expect(bad.errors[1]).toMatch(/entry 3 “1 AF”: hotkey 1 is already taken/);
  });

  it('keeps the list in storage and falls back to the default on a bad or missing one', () => {
    const map = new Map<string, string>();
    const store = { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
    expect(loadLabelList(store)).toHaveLength(5);
    saveLabelList(store, [{ hotkey: '7', text: 'sleep' }]);
    expect(map.get(LABELS_STORAGE_KEY)).toBe('7 sleep');
    expect(loadLabelList(store)).toEqual([{ hotkey: '7', text: 'sleep' }]);
    map.set(LABELS_STORAGE_KEY, 'garbage');
    expect(loadLabelList(store)).toHaveLength(5);
    expect(loadLabelList(undefined)).toHaveLength(5);
  });
});

describe('review keys', () => {
  it('maps EDFbrowser/MNE-style navigation, editing and undo keys; leaves fields and R/M alone', () => {
    expect(reviewKeyAction(key('ArrowLeft'))).toEqual({ kind: 'pan', windows: -0.25 });
    expect(reviewKeyAction(key('ArrowRight', { shiftKey: true }))).toEqual({ kind: 'pan', windows: 1 });
    expect(reviewKeyAction(key('+'))).toEqual({ kind: 'zoom', factor: 0.5 });
    expect(reviewKeyAction(key('-'))).toEqual({ kind: 'zoom', factor: 2 });
    expect(reviewKeyAction(key('0'))).toEqual({ kind: 'whole' });
    expect(reviewKeyAction(key('ArrowUp'))).toEqual({ kind: 'gain', up: true });
    expect(reviewKeyAction(key('Delete'))).toEqual({ kind: 'delete-beat' });
    expect(reviewKeyAction(key('x'))).toEqual({ kind: 'reject-beat' });
    expect(reviewKeyAction(key('z', { ctrlKey: true }))).toEqual({ kind: 'undo' });
    expect(reviewKeyAction(key('Z', { ctrlKey: true, shiftKey: true }))).toEqual({ kind: 'redo' });
    expect(reviewKeyAction(key('3'))).toEqual({ kind: 'label', hotkey: '3' });
    expect(reviewKeyAction(key('v'))).toEqual({ kind: 'classify-beat', class: 'V' });
    expect(reviewKeyAction(key('N', { shiftKey: true }))).toEqual({ kind: 'classify-beat', class: 'N' });
    expect(reviewKeyAction(key('v', { repeat: true }))).toBeNull();
    expect(reviewKeyAction(key('r'))).toBeNull();
    expect(reviewKeyAction(key('m'))).toBeNull();
    expect(reviewKeyAction(key('3', { targetTag: 'INPUT' }))).toBeNull();
    expect(reviewKeyAction(key('ArrowLeft', { targetTag: 'SELECT' }))).toBeNull();
  });
});

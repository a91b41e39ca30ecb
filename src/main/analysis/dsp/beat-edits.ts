/**
 * A user's corrections to a beat series, as in the interactive editor of peakdet
 * (github.com/physiopy/peakdet): add a missed beat, delete a false detection (its
 * two intervals merge into one), move a beat, and reject a beat as artifact (it stays a beat, but
 * both intervals touching it drop out of HR and HRV; see beat-hrv.ts), and set a beat's class
 * (a reference for evaluating models). Times are seconds, ascending. A batch applies whole or not
 * at all: the first edit that does not fit throws.
 */
import { aamiOfLetter } from '../../../shared/beat-classes';
import type { BeatEdit } from '../../../shared/review';

export interface EditableBeats {
  t: number[];
  rejected: boolean[];
  /** Per beat, or absent when no beat has a class. */
  classes?: (string | null)[];
}

/** A beat this close to another is the same beat: no two R waves (or pulses) lie 50 ms apart. */
export const DUPLICATE_BEAT_SEC = 0.05;
/** How far from the time given an edit looks for its beat (about a QRS width either side). */
export const NEAREST_BEAT_SEC = 0.15;

/** Applies `edits` in order to a copy of `beats`; throws naming the edit that does not fit, leaving `beats` as it was. */
export function applyBeatEdits(beats: EditableBeats, edits: readonly BeatEdit[]): EditableBeats {
  const t = [...beats.t];
  const rejected = [...beats.rejected];
  // Carried beside t whatever the edits; dropped again at the end when no beat has a class.
  const classes = beats.classes ? [...beats.classes] : t.map((): string | null => null);
  edits.forEach((edit, k) => {
    const where = edits.length > 1 ? `edit ${k + 1} of ${edits.length} (${describe(edit)})` : describe(edit);
    const fail = (why: string): never => {
      throw new Error(`${where}: ${why}; no edit of this batch was applied`);
    };
    const nearest = (at: number): number => {
      const i = nearestBeat(t, at);
      if (i < 0 || Math.abs(t[i] - at) > NEAREST_BEAT_SEC) {
        fail(`no beat within ${NEAREST_BEAT_SEC * 1000} ms of ${seconds(at)}${i < 0 ? ' (the series is empty)' : ` (nearest at ${seconds(t[i])})`}`);
      }
      return i;
    };
    const insert = (at: number, flag: boolean, cls: string | null): void => {
      const i = nearestBeat(t, at);
      if (i >= 0 && Math.abs(t[i] - at) <= DUPLICATE_BEAT_SEC) fail(`there is already a beat at ${seconds(t[i])}, within ${DUPLICATE_BEAT_SEC * 1000} ms`);
      const at0 = lowerBound(t, at);
      t.splice(at0, 0, at);
      rejected.splice(at0, 0, flag);
      classes.splice(at0, 0, cls);
    };
    switch (edit.op) {
      case 'add':
        insert(edit.t, false, null);
        break;
      case 'delete': {
        const i = nearest(edit.t);
        t.splice(i, 1);
        rejected.splice(i, 1);
        classes.splice(i, 1);
        break;
      }
      case 'move': {
        const i = nearest(edit.from);
        const [flag] = rejected.splice(i, 1);
        const [cls] = classes.splice(i, 1);
        t.splice(i, 1);
        insert(edit.to, flag, cls);
        break;
      }
      case 'reject':
      case 'unreject':
        rejected[nearest(edit.t)] = edit.op === 'reject';
        break;
      case 'classify':
        if (edit.class !== null && !aamiOfLetter(edit.class)) fail(`"${edit.class}" is not a beat class (AAMI N, S, V, F, Q or an MIT-BIH beat code of one: L, R, e, j, A, a, J, E, /, f)`);
        classes[nearest(edit.t)] = edit.class;
        break;
    }
  });
  return classes.some((c) => c !== null) ? { t, rejected, classes } : { t, rejected };
}

/** Index of the first element of ascending `t` that is >= x (t.length when none). */
export function lowerBound(t: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the beat nearest `at`, -1 for an empty series. */
function nearestBeat(t: readonly number[], at: number): number {
  const i = lowerBound(t, at);
  if (i === 0) return t.length ? 0 : -1;
  if (i === t.length) return i - 1;
  return at - t[i - 1] <= t[i] - at ? i - 1 : i;
}

function describe(edit: BeatEdit): string {
  if (edit.op === 'move') return `move ${seconds(edit.from)} to ${seconds(edit.to)}`;
  if (edit.op === 'classify') return `${edit.class === null ? 'clear the class' : `class ${edit.class}`} at ${seconds(edit.t)}`;
  return `${edit.op} at ${seconds(edit.t)}`;
}

function seconds(t: number): string {
  return `${+t.toFixed(3)} s`;
}

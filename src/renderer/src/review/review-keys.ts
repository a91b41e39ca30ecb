/** The review view's keys, as EDFbrowser and MNE users expect them. Pure. */
import { AAMI_CLASSES, type AamiClass } from '../../../shared/beat-classes';
import { inField, type KeyLike } from '../shortcuts';

export type ReviewKeyAction =
  | { kind: 'pan'; windows: number }
  | { kind: 'zoom'; factor: number }
  | { kind: 'start' }
  | { kind: 'end' }
  | { kind: 'whole' }
  | { kind: 'gain'; up: boolean }
  | { kind: 'delete-beat' }
  | { kind: 'add-beat' }
  | { kind: 'reject-beat' }
  /** Set the selected beat's class (the same class again clears it). */
  | { kind: 'classify-beat'; class: AamiClass }
  | { kind: 'undo' }
  | { kind: 'redo' }
  | { kind: 'label'; hotkey: string }
  | { kind: 'help' }
  /** Open the session's agreement bench. */
  | { kind: 'agreement' }
  | { kind: 'mark'; direction: 1 | -1 }
  | { kind: 'escape' };

export interface ReviewKey extends KeyLike {
  shiftKey: boolean;
}

/** What a key press does in the review view, or null (left to the frame: R, M; or to a field). */
export function reviewKeyAction(e: ReviewKey): ReviewKeyAction | null {
  if (inField(e) || e.altKey) return null;
  const mod = e.ctrlKey || e.metaKey;
  if (mod) {
    const k = e.key.toLowerCase();
    if (k === 'z') return e.shiftKey ? { kind: 'redo' } : { kind: 'undo' };
    if (k === 'y') return { kind: 'redo' };
    return null;
  }
  switch (e.key) {
    case 'ArrowLeft':
      return { kind: 'pan', windows: e.shiftKey ? -1 : -0.25 };
    case 'ArrowRight':
      return { kind: 'pan', windows: e.shiftKey ? 1 : 0.25 };
    case '+':
    case '=':
      return { kind: 'zoom', factor: 0.5 };
    case '-':
    case '_':
      return { kind: 'zoom', factor: 2 };
    case 'Home':
      return { kind: 'start' };
    case 'End':
      return { kind: 'end' };
    case '0':
      return { kind: 'whole' };
    case 'ArrowUp':
      return { kind: 'gain', up: true };
    case 'ArrowDown':
      return { kind: 'gain', up: false };
    case 'Delete':
    case 'Backspace':
      return { kind: 'delete-beat' };
    case 'a':
    case 'A':
      return e.repeat ? null : { kind: 'add-beat' };
    case 'x':
    case 'X':
      return e.repeat ? null : { kind: 'reject-beat' };
    case '?':
      return { kind: 'help' };
    case 'b':
    case 'B':
      return e.repeat ? null : { kind: 'agreement' };
    case ']':
      return { kind: 'mark', direction: 1 };
    case '[':
      return { kind: 'mark', direction: -1 };
    case 'Escape':
      return { kind: 'escape' };
    default: {
      if (e.repeat) return null;
      const cls = e.key.toUpperCase() as AamiClass;
      if (e.key.length === 1 && AAMI_CLASSES.includes(cls)) return { kind: 'classify-beat', class: cls };
      return /^[1-9]$/.test(e.key) ? { kind: 'label', hotkey: e.key } : null;
    }
  }
}

/** The help overlay's rows: keys and gestures. */
export const REVIEW_HELP: readonly [string, string][] = [
  ['wheel', 'zoom time around the pointer'],
  ['drag', 'pan'],
  ['← / →', 'move a quarter window (Shift: a whole window)'],
  ['+ / -', 'zoom in / out by 2'],
  ['Home / End · 0', 'start / end · whole session'],
  ['↑ / ↓', 'amplitude larger / smaller'],
  ['Shift+drag, or drag on the time axis', 'select an interval to label'],
  ['1 … 9', 'label the selection with that label (list editable in the label bar)'],
  ['click', 'measurement point (two points: Δt, Δvalue, implied HR); near a beat: select it'],
  ['Del', 'delete the selected beat (a false detection)'],
  ['X', 'reject the selected beat as artifact (its intervals leave HRV) / un-reject'],
  ['N · V · S · F · Q', 'set the selected beat\'s class (AAMI: normal, ventricular, supraventricular, fusion, unclassifiable); again: clear it'],
  ['A or double-click', 'add a beat at the pointer'],
  ['drag a beat mark', 'move the beat'],
  ['] / [', 'next / previous model mark shown (e.g. V), centred'],
  ['Ctrl+Z / Ctrl+Shift+Z', 'undo / redo label and beat edits'],
  ['Esc', 'clear selection and measurement'],
  ['B', 'agreement bench: one source against a reference (Bland-Altman)'],
  ['R · M', 'record/stop · marker (from any view)'],
];

/** Keyboard shortcuts of the workbench frame, scoped to the active view. Pure. */
import type { Route } from './routes';

export type ShortcutAction = 'pause' | 'record' | 'marker' | 'filter';

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  repeat: boolean;
  /** Tag name of the focused element (upper case), and whether it is editable. */
  targetTag: string;
  targetEditable: boolean;
}

export const SHORTCUT_HELP: Record<Route['view'], string> = {
  live: 'Space pause/resume · R record/stop · M marker · F filtered/raw traces',
  sessions: 'R record/stop · M marker',
  models: 'R record/stop · M marker',
  evaluation: 'R record/stop · M marker · a worst error opens the review at that beat',
  review: 'R record/stop · M marker · B agreement bench · ? review keys and gestures',
  agreement: 'R record/stop · M marker · B or Esc back to the review',
};

/** Whether the key goes to a field being typed in (or a select), not to the page. */
export function inField(e: KeyLike): boolean {
  return e.targetEditable || e.targetTag === 'INPUT' || e.targetTag === 'TEXTAREA' || e.targetTag === 'SELECT';
}

/** The frame's action a key press triggers on this view, or null (modifiers, auto-repeat, typing in a field). */
export function shortcutFor(e: KeyLike, view: Route['view'] = 'live'): ShortcutAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey || e.repeat || inField(e)) return null;
  switch (e.key) {
    case ' ':
    case 'Spacebar':
      // Space on a focused button activates that button; leave it alone.
      return view === 'live' && e.targetTag !== 'BUTTON' ? 'pause' : null;
    case 'r':
    case 'R':
      return 'record';
    case 'm':
    case 'M':
      return 'marker';
    case 'f':
    case 'F':
      return view === 'live' ? 'filter' : null;
    default:
      return null;
  }
}

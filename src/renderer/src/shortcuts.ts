/** Keyboard shortcuts of the workbench frame, scoped to the active view. Pure. */
import type { Route } from './routes';

/** 'marker-key': the hotkey marker of the key pressed (1-9); 'step-*': the running protocol's step. */
export type ShortcutAction = 'pause' | 'record' | 'marker' | 'filter' | 'marker-key' | 'step-pause' | 'step-skip' | 'step-extend';

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

/** The protocol runner's keys (not in the review, whose 1-9 and N are labels and a beat class). */
const STEP_HELP = ' · protocol: P pause/resume, N next step, E +30 s';

export const SHORTCUT_HELP: Record<Route['view'], string> = {
  live: `Space pause/resume · R record/stop · M marker · 1-9 hotkey markers · F filtered/raw traces${STEP_HELP}`,
  sessions: `R record/stop · M marker · 1-9 hotkey markers${STEP_HELP}`,
  models: `R record/stop · M marker · 1-9 hotkey markers${STEP_HELP}`,
  evaluation: `R record/stop · M marker · 1-9 hotkey markers${STEP_HELP} · a worst error opens the review at that beat`,
  review: 'R record/stop · M marker · B agreement bench · ? review keys and gestures',
  agreement: 'R record/stop · M marker · B or Esc back to the review',
  study: 'R record/stop · M marker',
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
    case 'p':
    case 'P':
      return view === 'review' ? null : 'step-pause';
    case 'n':
    case 'N':
      return view === 'review' ? null : 'step-skip';
    case 'e':
    case 'E':
      return view === 'review' ? null : 'step-extend';
    default:
      return view !== 'review' && /^[1-9]$/.test(e.key) ? 'marker-key' : null;
  }
}

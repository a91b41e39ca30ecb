/** Keyboard shortcuts of the workbench. Pure. */

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

export const SHORTCUT_HELP = 'Space pause/resume · R record/stop · M marker · F filtered/raw traces';

/** The action a key press triggers, or null (modifiers, auto-repeat, typing in a field). */
export function shortcutFor(e: KeyLike): ShortcutAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey || e.repeat) return null;
  if (e.targetEditable || e.targetTag === 'INPUT' || e.targetTag === 'TEXTAREA' || e.targetTag === 'SELECT') return null;
  switch (e.key) {
    case ' ':
    case 'Spacebar':
      // Space on a focused button activates that button; leave it alone.
      return e.targetTag === 'BUTTON' ? null : 'pause';
    case 'r':
    case 'R':
      return 'record';
    case 'm':
    case 'M':
      return 'marker';
    case 'f':
    case 'F':
      return 'filter';
    default:
      return null;
  }
}

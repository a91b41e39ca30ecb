/**
 * The review's undoable edits and their inverses: labels (add, change, delete) and beat edits.
 * Every action has an inverse that is itself an action, so undo and redo are both "run this". Pure.
 */
import type { BeatEdit, NewLabel } from '../../../shared/review';

export type ReviewAction =
  | { kind: 'label-add'; label: NewLabel; id?: number }
  | { kind: 'label-update'; id: number; from: NewLabel; to: NewLabel }
  | { kind: 'label-delete'; id: number; label: NewLabel }
  | { kind: 'beats'; key: string; edits: BeatEdit[]; inverse: BeatEdit[] };

/** The action that undoes `a` (run after `a`). */
export function invertAction(a: ReviewAction): ReviewAction {
  switch (a.kind) {
    case 'label-add':
      if (a.id === undefined) throw new Error('a label is undone only once it was added');
      return { kind: 'label-delete', id: a.id, label: a.label };
    case 'label-delete':
      return { kind: 'label-add', label: a.label, id: a.id };
    case 'label-update':
      return { kind: 'label-update', id: a.id, from: a.to, to: a.from };
    case 'beats':
      return { kind: 'beats', key: a.key, edits: a.inverse, inverse: a.edits };
  }
}

/** What the edited beat was before the edit: a deleted beat comes back as it was, a class goes back to the old one. */
export interface BeatBefore {
  rejected?: boolean;
  class?: string | null;
}

/** The edit that undoes one beat edit. */
export function inverseBeatEdits(edit: BeatEdit, before: BeatBefore = {}): BeatEdit[] {
  switch (edit.op) {
    case 'add':
      return [{ op: 'delete', t: edit.t }];
    case 'delete':
      return [
        { op: 'add', t: edit.t },
        ...(before.rejected ? [{ op: 'reject' as const, t: edit.t }] : []),
        ...(before.class ? [{ op: 'classify' as const, t: edit.t, class: before.class }] : []),
      ];
    case 'move':
      return [{ op: 'move', from: edit.to, to: edit.from }];
    case 'reject':
      return [{ op: 'unreject', t: edit.t }];
    case 'unreject':
      return [{ op: 'reject', t: edit.t }];
    case 'classify':
      return [{ op: 'classify', t: edit.t, class: before.class ?? null }];
  }
}

/** A beat action from one edit, with its inverse. */
export function beatAction(key: string, edit: BeatEdit, before: BeatBefore = {}): ReviewAction {
  return { kind: 'beats', key, edits: [edit], inverse: inverseBeatEdits(edit, before) };
}

/** What the undo/redo buttons' titles say. */
export function describeAction(a: ReviewAction): string {
  switch (a.kind) {
    case 'label-add':
      return `add label “${a.label.text}”`;
    case 'label-delete':
      return `delete label “${a.label.text}”`;
    case 'label-update':
      return `change label “${a.from.text}”`;
    case 'beats': {
      const e = a.edits[0];
      const what = { add: 'add', delete: 'delete', move: 'move', reject: 'reject', unreject: 'un-reject', classify: 'classify' }[e.op];
      return `${what} beat on ${a.key}`;
    }
  }
}

/**
 * Labels get a new id when an undo re-adds them: older history entries still name the old id.
 * Aliases map every id a label ever had to its current one.
 */
export class LabelIds {
  private aliases = new Map<number, number>();

  current(id: number): number {
    let cur = id;
    for (let guard = 0; this.aliases.has(cur) && guard < 1000; guard++) cur = this.aliases.get(cur)!;
    return cur;
  }

  /** A label that was `oldId` is now `newId`. */
  renamed(oldId: number, newId: number): void {
    if (oldId !== newId) this.aliases.set(oldId, newId);
  }
}

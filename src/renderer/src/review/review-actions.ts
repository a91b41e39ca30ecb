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

/** The edit that undoes one beat edit; deleting a rejected beat comes back rejected. */
export function inverseBeatEdits(edit: BeatEdit, wasRejected = false): BeatEdit[] {
  switch (edit.op) {
    case 'add':
      return [{ op: 'delete', t: edit.t }];
    case 'delete':
      return wasRejected ? [{ op: 'add', t: edit.t }, { op: 'reject', t: edit.t }] : [{ op: 'add', t: edit.t }];
    case 'move':
      return [{ op: 'move', from: edit.to, to: edit.from }];
    case 'reject':
      return [{ op: 'unreject', t: edit.t }];
    case 'unreject':
      return [{ op: 'reject', t: edit.t }];
  }
}

/** A beat action from one edit, with its inverse. */
export function beatAction(key: string, edit: BeatEdit, wasRejected = false): ReviewAction {
  return { kind: 'beats', key, edits: [edit], inverse: inverseBeatEdits(edit, wasRejected) };
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
      const what = { add: 'add', delete: 'delete', move: 'move', reject: 'reject', unreject: 'un-reject' }[e.op];
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

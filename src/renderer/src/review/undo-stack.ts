/** Client-side undo/redo of the review's edits: each entry is an action as it was done. Pure. */

export class UndoStack<A> {
  private done: A[] = [];
  private undone: A[] = [];

  constructor(private readonly limit = 200) {}

  /** A new action: it can be undone, and whatever was undone can no longer be redone. */
  push(action: A): void {
    this.done.push(action);
    if (this.done.length > this.limit) this.done.shift();
    this.undone = [];
  }

  /** The action to undo next (not removed until `undid`). */
  peekUndo(): A | undefined {
    return this.done[this.done.length - 1];
  }

  peekRedo(): A | undefined {
    return this.undone[this.undone.length - 1];
  }

  /** The latest action was undone; `redo` is how to do it again. */
  undid(redo: A): void {
    this.done.pop();
    this.undone.push(redo);
  }

  /** The latest undone action was done again, as `action`. */
  redid(action: A): void {
    this.undone.pop();
    this.done.push(action);
  }

  get canUndo(): boolean {
    return this.done.length > 0;
  }

  get canRedo(): boolean {
    return this.undone.length > 0;
  }
}

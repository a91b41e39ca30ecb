/**
 * A host clock that moves only when told to, for runs faster than real time (`record --fast`):
 * each step moves it on and lets what is driven by it (the simulated board's link) deliver.
 */
export class VirtualTime {
  private t: number;
  private readonly listeners = new Set<() => void>();

  constructor(start: number) {
    this.t = start;
  }

  readonly now = (): number => this.t;

  /** Calls `listener` after every step; returns its removal. */
  onStep(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  step(seconds: number): void {
    this.t += seconds;
    for (const l of this.listeners) l();
  }
}

/** Samples per second over a sliding window of host time, for the measured-rate readout. */
export class RateMeter {
  private readonly times: number[] = [];
  private readonly counts: number[] = [];

  constructor(private readonly windowSeconds = 5) {}

  add(time: number, samples: number): void {
    this.times.push(time);
    this.counts.push(samples);
    while (this.times.length > 2 && time - this.times[0] > this.windowSeconds) {
      this.times.shift();
      this.counts.shift();
    }
  }

  /** 0 until at least a second of data is in the window. */
  rate(): number {
    const span = this.times.length ? this.times[this.times.length - 1] - this.times[0] : 0;
    if (span < 1) return 0;
    // The first entry's samples arrived before the span began.
    let samples = 0;
    for (let i = 1; i < this.counts.length; i++) samples += this.counts[i];
    return samples / span;
  }
}

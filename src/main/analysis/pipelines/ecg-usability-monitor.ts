/**
 * ECG usability live: the offline rule (dsp/ecg/ecg-usability.ts, used as it is) over a rolling
 * buffer of the last BUFFER_S of one lead and its beats. Its dictionary of "this patient's QRS" is
 * then the least noisy beats of the last minute, so noise that fills most of that minute is not
 * flagged (the rule's own limit on pure noise). Lost samples are NaN, as `analyze` gives them.
 * The detector's beats are refined first (beat-refine.ts), as `analyze` does.
 * Pure; bounded: a fixed ring of samples and the beats inside it.
 */
import { refineBeats } from '../dsp/ecg/beat-refine';
import { DEFAULT_ECG_USABILITY, ecgUsability, type UsabilityWindow } from '../dsp/ecg/ecg-usability';

/** Seconds of signal judged at a time: enough beats (~70) for the rule's dictionary of least noisy ones. */
export const USABILITY_BUFFER_S = 60;

export class EcgUsabilityMonitor {
  /** Length of a window in samples (the rule's default 5 s). */
  readonly windowLength: number;
  private readonly ring: Float64Array;
  /** Stream samples written so far, lost ones included. */
  private written = 0;
  private beats: number[] = [];

  constructor(readonly fs: number) {
    this.windowLength = Math.max(1, Math.round(DEFAULT_ECG_USABILITY.windowSec * fs));
    this.ring = new Float64Array(Math.ceil(USABILITY_BUFFER_S * fs) + this.windowLength);
  }

  /** `n` samples were lost before the next block. */
  lost(n: number): void {
    const size = this.ring.length;
    const kept = Math.min(n, size);
    for (let i = n - kept; i < n; i++) this.ring[(this.written + i) % size] = NaN;
    this.written += Math.max(0, n);
  }

  push(block: ArrayLike<number>): void {
    const size = this.ring.length;
    for (let i = 0; i < block.length; i++) this.ring[(this.written + i) % size] = block[i];
    this.written += block.length;
  }

  /** A detected beat at stream sample `sample` (in order). */
  beat(sample: number): void {
    this.beats.push(sample);
  }

  /**
   * The verdict on window [end - 2 L, end - L) (L = `windowLength`), judged with the windows before
   * it in the buffer and the one after it, which the neighbour rule needs: so it lags one window.
   * Null until the buffer holds both.
   */
  judge(end: number): UsabilityWindow | null {
    const len = this.windowLength;
    const oldest = Math.max(0, this.written - this.ring.length);
    if (!(end <= this.written)) return null;
    const windows = Math.min(Math.floor(USABILITY_BUFFER_S * this.fs / len), Math.floor((end - oldest) / len));
    if (windows < 2) return null;
    const start = end - windows * len;
    const signal = new Float64Array(end - start);
    for (let i = 0; i < signal.length; i++) signal[i] = this.ring[(start + i) % this.ring.length];
    let drop = 0;
    while (drop < this.beats.length && this.beats[drop] < oldest) drop++;
    this.beats.splice(0, drop);
    const beats = this.beats.filter((b) => b >= start && b < end).map((b) => b - start);
    // Refined to the R peak as `analyze` refines them before judging: the rule's dictionary
    // correlates +-80 ms around each beat (on DS1's paced records this halves the live flags).
    const judged = ecgUsability(signal, this.fs, refineBeats(signal, this.fs, beats))[windows - 2];
    return { ...judged, start: judged.start + start, end: judged.end + start };
  }
}

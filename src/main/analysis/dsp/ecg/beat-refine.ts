/**
 * Refinement of detected R waves: on the zero-phase band-limited signal (0.5-40 Hz, Butterworth,
 * forward-backward so nothing is shifted), each beat moves to its main deflection within +-radius
 * seconds, the usual "peak correction" step of NeuroKit2's ecg_peaks / Elgendi et al. 2010. The
 * main deflection has the lead's polarity (the one most beats' largest deflection has), so a deep
 * S wave does not pull an upright beat off its R peak; a beat whose opposite deflection is clearly
 * larger (a ventricular beat in another axis) lands on that one instead.
 *
 * `refineBeats` does it over a whole record (the offline analysis); `BeatRefiner` does the same
 * beat by beat on a stretch of raw signal around each one (a live stream), so a live model's beat
 * windows are cut where the offline ones are.
 */
import { butterworth, type Sos } from '../filters/butterworth';
import { gapsAsZero, sosfiltfilt } from '../filters/sos-filter';

/** How much larger the opposite deflection must be to count as a beat's main one. */
const OPPOSITE_DOMINANCE = 1.5;
const RADIUS_SEC = 0.075;

function refineBand(fs: number): Sos {
  return butterworth(2, [0.5, Math.min(40, fs * 0.45)], fs, 'bandpass');
}

/** The largest upward and downward deflections of `y` within +-r samples of `beat`. */
function deflections(y: Float64Array, beat: number, r: number): [top: number, bottom: number] {
  let top = beat;
  let bottom = beat;
  for (let i = Math.max(0, beat - r); i <= Math.min(y.length - 1, beat + r); i++) {
    if (y[i] > y[top]) top = i;
    if (y[i] < y[bottom]) bottom = i;
  }
  return [top, bottom];
}

/** Whether the beat's largest deflection is its upward one. */
const isUpright = (y: Float64Array, top: number, bottom: number) => y[top] >= -y[bottom];

/** The beat's main deflection given the lead's polarity, or the opposite one when clearly larger. */
function mainDeflection(y: Float64Array, top: number, bottom: number, upright: boolean): number {
  const [main, opposite] = upright ? [top, bottom] : [bottom, top];
  return Math.abs(y[opposite]) > OPPOSITE_DOMINANCE * Math.abs(y[main]) ? opposite : main;
}

export function refineBeats(signal: ArrayLike<number>, fs: number, beats: ArrayLike<number>, radiusSec = RADIUS_SEC): number[] {
  const y = sosfiltfilt(refineBand(fs), gapsAsZero(signal));
  const r = Math.round(radiusSec * fs);
  const found = Array.from(beats, (b) => deflections(y, b, r));
  const upright = found.filter(([top, bottom]) => isUpright(y, top, bottom)).length * 2 >= found.length;
  const out: number[] = [];
  for (const [top, bottom] of found) {
    const best = mainDeflection(y, top, bottom, upright);
    if (out.length === 0 || best > out[out.length - 1]) out.push(best);
  }
  return out;
}

/**
 * `refineBeats` for a stream, one beat at a time, in order: each beat is refined on the raw
 * samples from `lookBack` before it to `lookAhead` after it (filtered forward-backward there, so
 * it waits for `lookAhead` samples), the lead's polarity being that of most beats so far. Over
 * `span` seconds on each side the band-limited signal near the beat matches the whole record's,
 * so the beat lands on the same sample but in near ties (~0.1 % of beats on MIT-BIH).
 */
export class BeatRefiner {
  /** Samples before and after the beat the refinement reads. */
  readonly lookBack: number;
  readonly lookAhead: number;
  private readonly sos: Sos;
  private readonly r: number;
  private beats = 0;
  private upright = 0;
  private last = -Infinity;

  constructor(fs: number, spanSec = 2, radiusSec = RADIUS_SEC) {
    this.sos = refineBand(fs);
    this.r = Math.round(radiusSec * fs);
    this.lookBack = Math.round(spanSec * fs);
    this.lookAhead = Math.round(spanSec * fs);
  }

  /**
   * Beat `p`, given the raw samples from stream sample `from` on (through p + lookAhead, fewer
   * before p only at the stream's start; lost ones as NaN): its refined sample, or null when that
   * is not after the previous beat's (the same beat twice, dropped as offline).
   */
  refine(p: number, from: number, segment: ArrayLike<number>): number | null {
    const y = sosfiltfilt(this.sos, gapsAsZero(segment));
    const [top, bottom] = deflections(y, p - from, this.r);
    this.beats++;
    if (isUpright(y, top, bottom)) this.upright++;
    const best = from + mainDeflection(y, top, bottom, this.upright * 2 >= this.beats);
    if (best <= this.last) return null;
    this.last = best;
    return best;
  }
}

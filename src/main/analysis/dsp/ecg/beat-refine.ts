/**
 * Offline refinement of detected R waves: on the zero-phase band-limited signal (0.5-40 Hz,
 * Butterworth, forward-backward so nothing is shifted), each beat moves to its main deflection
 * within +-radius seconds, the usual "peak correction" step of NeuroKit2's ecg_peaks / Elgendi
 * et al. 2010. The main deflection has the lead's polarity (the one most beats' largest deflection
 * has), so a deep S wave does not pull an upright beat off its R peak; a beat whose opposite
 * deflection is clearly larger (a ventricular beat in another axis) lands on that one instead.
 */
import { butterworth } from '../filters/butterworth';
import { gapsAsZero, sosfiltfilt } from '../filters/sos-filter';

/** How much larger the opposite deflection must be to count as a beat's main one. */
const OPPOSITE_DOMINANCE = 1.5;

export function refineBeats(signal: ArrayLike<number>, fs: number, beats: ArrayLike<number>, radiusSec = 0.075): number[] {
  const hi = Math.min(40, fs * 0.45);
  const y = sosfiltfilt(butterworth(2, [0.5, hi], fs, 'bandpass'), gapsAsZero(signal));
  const r = Math.round(radiusSec * fs);
  const top: number[] = [];
  const bottom: number[] = [];
  for (let k = 0; k < beats.length; k++) {
    let hiAt = beats[k];
    let loAt = beats[k];
    for (let i = Math.max(0, beats[k] - r); i <= Math.min(y.length - 1, beats[k] + r); i++) {
      if (y[i] > y[hiAt]) hiAt = i;
      if (y[i] < y[loAt]) loAt = i;
    }
    top.push(hiAt);
    bottom.push(loAt);
  }
  let upright = 0;
  for (let k = 0; k < top.length; k++) if (y[top[k]] >= -y[bottom[k]]) upright++;
  const [main, opposite] = upright * 2 >= top.length ? [top, bottom] : [bottom, top];
  const out: number[] = [];
  for (let k = 0; k < main.length; k++) {
    const best = Math.abs(y[opposite[k]]) > OPPOSITE_DOMINANCE * Math.abs(y[main[k]]) ? opposite[k] : main[k];
    if (out.length === 0 || best > out[out.length - 1]) out.push(best);
  }
  return out;
}

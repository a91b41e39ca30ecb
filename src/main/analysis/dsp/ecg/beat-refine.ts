/**
 * Offline refinement of detected R waves: on the zero-phase band-limited signal (0.5-40 Hz,
 * Butterworth, forward-backward so nothing is shifted), each beat moves to the largest absolute
 * deflection within +-radius seconds (both polarities, so ventricular beats land on their main
 * deflection), the usual "peak correction" step of NeuroKit2's ecg_peaks / Elgendi et al. 2010.
 */
import { butterworth } from '../filters/butterworth';
import { sosfiltfilt } from '../filters/sos-filter';

export function refineBeats(signal: ArrayLike<number>, fs: number, beats: ArrayLike<number>, radiusSec = 0.075): number[] {
  const clean = new Float64Array(signal.length);
  for (let i = 0; i < signal.length; i++) clean[i] = signal[i] === signal[i] ? signal[i] : 0;
  const hi = Math.min(40, fs * 0.45);
  const y = sosfiltfilt(butterworth(2, [0.5, hi], fs, 'bandpass'), clean);
  const r = Math.round(radiusSec * fs);
  const out: number[] = [];
  for (let k = 0; k < beats.length; k++) {
    const b = beats[k];
    let best = b;
    let mx = -1;
    for (let i = Math.max(0, b - r); i <= Math.min(y.length - 1, b + r); i++) {
      const v = Math.abs(y[i]);
      if (v > mx) { mx = v; best = i; }
    }
    if (out.length === 0 || best > out[out.length - 1]) out.push(best);
  }
  return out;
}

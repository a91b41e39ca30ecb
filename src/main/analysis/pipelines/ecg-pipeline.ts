/**
 * Streaming ECG analysis: QRS detection, per-beat heart rate with artifact rejection, and HRV over
 * sliding windows. The live worker and the offline `analyze` command push the same blocks through
 * this class ("identical replay"). Pure; bounded state (beats of the last HRV window only).
 */
import { QrsDetector, type QrsBeat } from '../dsp/ecg/qrs-detector';
import { hrvFrequency, hrvTime, type HrvFrequency, type HrvTime } from '../dsp/ecg/hrv';
import { RR_MAX_SEC, RR_MIN_SEC, rrSeries } from '../dsp/ecg/rr-intervals';

export interface EcgPipelineOptions {
  hrvWindowSec: number;
  hrvStepSec: number;
}

export const DEFAULT_ECG_PIPELINE: EcgPipelineOptions = { hrvWindowSec: 300, hrvStepSec: 30 };

export interface HrvWindow extends HrvTime, HrvFrequency {
  t0: number;
  t1: number;
}

export interface EcgUpdate {
  beats: QrsBeat[];
  /** Heart rate at each new beat whose RR passed the artifact check: seconds from the start, bpm. */
  hr: { t: number; bpm: number }[];
  hrv: HrvWindow[];
}

export class EcgPipeline {
  readonly options: EcgPipelineOptions;
  private readonly detector: QrsDetector;
  private beatTimes: number[] = [];
  private recentRr: number[] = [];
  private nextHrv: number;

  constructor(readonly fs: number, options: Partial<EcgPipelineOptions> = {}) {
    this.options = { ...DEFAULT_ECG_PIPELINE, ...options };
    this.detector = new QrsDetector(fs);
    this.nextHrv = this.options.hrvWindowSec;
  }

  push(block: ArrayLike<number>): EcgUpdate {
    const beats = this.detector.push(block);
    const hr: EcgUpdate['hr'] = [];
    for (const b of beats) {
      const t = b.sample / this.fs;
      const prev = this.beatTimes[this.beatTimes.length - 1];
      this.beatTimes.push(t);
      if (prev === undefined) continue;
      const rr = t - prev;
      if (rr < RR_MIN_SEC || rr > RR_MAX_SEC) continue;
      // Causal 20% rule against the median of the last 5 plausible intervals.
      const ref = this.recentRr.slice().sort((a, b) => a - b)[this.recentRr.length >> 1];
      this.recentRr.push(rr);
      if (this.recentRr.length > 5) this.recentRr.shift();
      if (ref === undefined || Math.abs(rr - ref) <= 0.2 * ref) hr.push({ t, bpm: 60 / rr });
    }
    const hrv: HrvWindow[] = [];
    const now = this.detector.samples / this.fs;
    while (now >= this.nextHrv) {
      hrv.push(this.hrvAt(this.nextHrv - this.options.hrvWindowSec, this.nextHrv));
      this.nextHrv += this.options.hrvStepSec;
    }
    const keepFrom = now - this.options.hrvWindowSec - 10;
    let drop = 0;
    while (drop < this.beatTimes.length && this.beatTimes[drop] < keepFrom) drop++;
    if (drop > 0) this.beatTimes.splice(0, drop);
    return { beats, hr, hrv };
  }

  /** HRV over [t0, t1) from the beats still held. */
  hrvAt(t0: number, t1: number): HrvWindow {
    const rr = rrSeries(this.beatTimes);
    return { t0, t1, ...hrvTime(rr, t0, t1), ...hrvFrequency(rr, t0, t1) };
  }
}

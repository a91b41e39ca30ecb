/**
 * Streaming ECG analysis: QRS detection, per-beat heart rate with artifact rejection, and HRV over
 * sliding windows. The live worker and the offline `analyze` command push the same blocks through
 * this class ("identical replay"), lost samples announced with `lost` (see gap-bridge.ts); offline,
 * the record's end is announced with `finish` (a live stream has none). Pure; bounded state (beats
 * and gaps of the last HRV window only).
 */
import { QrsDetector, type QrsBeat } from '../dsp/ecg/qrs-detector';
import { hrvFrequency, hrvTime, type HrvFrequency, type HrvTime } from '../dsp/ecg/hrv';
import { RR_MAX_SEC, RR_MIN_SEC, rrSeries } from '../dsp/ecg/rr-intervals';
import { GapBridge } from './gap-bridge';

export interface EcgPipelineOptions {
  hrvWindowSec: number;
  hrvStepSec: number;
}

export const DEFAULT_ECG_PIPELINE: EcgPipelineOptions = { hrvWindowSec: 300, hrvStepSec: 30 };

export interface HrvWindow extends HrvTime, HrvFrequency {
  t0: number;
  t1: number;
  /** Share of [t0, t1) that was lost (0-1): HRV uses only intervals wholly inside data. */
  missing: number;
}

export interface EcgUpdate {
  /** New beats, `sample` on the stream's index (lost samples counted). */
  beats: QrsBeat[];
  /** Heart rate at each new beat whose RR passed the artifact check and crossed no gap: seconds from the start, bpm. */
  hr: { t: number; bpm: number }[];
  hrv: HrvWindow[];
  /** Detections dropped at gaps (stream samples): no interval across them is used. */
  dropped: number[];
}

export class EcgPipeline {
  readonly options: EcgPipelineOptions;
  private readonly detector: QrsDetector;
  private readonly bridge: GapBridge;
  private beatTimes: number[] = [];
  /** 1 where the interval ending at that beat crosses a gap. */
  private beatBroken: number[] = [];
  private lastBeat = -1;
  private recentRr: number[] = [];
  private nextHrv: number;

  constructor(readonly fs: number, options: Partial<EcgPipelineOptions> = {}) {
    this.options = { ...DEFAULT_ECG_PIPELINE, ...options };
    this.detector = new QrsDetector(fs);
    this.bridge = new GapBridge(fs, 1, this.options.hrvWindowSec + 10);
    this.nextHrv = this.options.hrvWindowSec;
  }

  /** Stream samples so far, lost ones included. */
  get samples(): number {
    return this.bridge.samples;
  }

  /** `n` samples were lost before the next block (0: a break of unknown length). */
  lost(n: number): void {
    this.bridge.lost(n);
  }

  push(block: ArrayLike<number>): EcgUpdate {
    const fed = this.bridge.feed(block, block.length);
    const { beats, hr, dropped } = this.take(this.detector.push(fed.data));
    const hrv: HrvWindow[] = [];
    const now = this.bridge.samples / this.fs;
    while (now >= this.nextHrv) {
      hrv.push(this.hrvAt(this.nextHrv - this.options.hrvWindowSec, this.nextHrv));
      this.nextHrv += this.options.hrvStepSec;
    }
    const keepFrom = now - this.options.hrvWindowSec - 10;
    let drop = 0;
    while (drop < this.beatTimes.length && this.beatTimes[drop] < keepFrom) drop++;
    if (drop > 0) {
      this.beatTimes.splice(0, drop);
      this.beatBroken.splice(0, drop);
    }
    return { beats, hr, hrv, dropped };
  }

  /** The input has ended (offline: a whole record): the beat the detector still held, if any (QrsDetector.finish). */
  finish(): EcgUpdate {
    return { ...this.take(this.detector.finish()), hrv: [] };
  }

  /** Places the detector's beats on the stream's index, dropping those at gaps, with their heart rates. */
  private take(detections: readonly QrsBeat[]): Omit<EcgUpdate, 'hrv'> {
    const beats: QrsBeat[] = [];
    const hr: EcgUpdate['hr'] = [];
    const dropped: number[] = [];
    for (const detected of detections) {
      const sample = this.bridge.toStream(detected.sample);
      if (this.bridge.near(sample)) {
        this.bridge.drop(sample);
        dropped.push(sample);
        continue;
      }
      beats.push({ ...detected, sample, detectedAt: this.bridge.toStream(detected.detectedAt) });
      const t = sample / this.fs;
      const prev = this.lastBeat;
      const broken = prev >= 0 && this.bridge.spans(prev, sample);
      this.lastBeat = sample;
      this.beatTimes.push(t);
      this.beatBroken.push(broken ? 1 : 0);
      if (prev < 0 || broken) continue;
      const rr = (sample - prev) / this.fs;
      if (rr < RR_MIN_SEC || rr > RR_MAX_SEC) continue;
      // Causal 20% rule against the median of the last 5 plausible intervals.
      const ref = this.recentRr.slice().sort((a, b) => a - b)[this.recentRr.length >> 1];
      this.recentRr.push(rr);
      if (this.recentRr.length > 5) this.recentRr.shift();
      if (ref === undefined || Math.abs(rr - ref) <= 0.2 * ref) hr.push({ t, bpm: 60 / rr });
    }
    return { beats, hr, dropped };
  }

  /** HRV over [t0, t1) (seconds on the stream's index) from the beats still held. */
  hrvAt(t0: number, t1: number): HrvWindow {
    const rr = rrSeries(this.beatTimes, 5, 0.2, this.beatBroken.slice(1));
    const missing = this.bridge.missing(Math.round(t0 * this.fs), Math.round(t1 * this.fs)) / Math.max(1, (t1 - t0) * this.fs);
    return { t0, t1, missing, ...hrvTime(rr, t0, t1), ...hrvFrequency(rr, t0, t1) };
  }
}

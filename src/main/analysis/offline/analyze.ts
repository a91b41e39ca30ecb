/**
 * Offline analysis of a loaded input: replays each stream through the same streaming pipelines
 * the live worker uses, in 1 s blocks, then adds the offline-only refinement of R-wave positions,
 * verification of the beats and their re-detection in noisy stretches.
 * NaN runs (a session's lost samples, a record's gap segments) reach the pipelines as lost
 * samples, as the live worker announces a chunk's index jump, so both find the same beats.
 */
import { unusableIntervals } from '../dsp/ecg/beat-hrv';
import { refineBeats } from '../dsp/ecg/beat-refine';
import { verifyBeats } from '../dsp/ecg/beat-verify';
import { detectQrs } from '../dsp/ecg/qrs-detector';
import { fillFromSecondLead, secondLeadBeats, type SecondLeadBeats } from '../dsp/ecg/second-lead';
import { ecgUsability } from '../dsp/ecg/ecg-usability';
import { redetectNoisy } from '../dsp/ecg/noisy-redetect';
import { hrvFrequency, hrvTime } from '../dsp/ecg/hrv';
import { intervalsAcrossGaps, rrSeries } from '../dsp/ecg/rr-intervals';
import { EcgPipeline, HIDING_GAP_SEC, type EcgPipelineOptions, type EcgUpdate, ImuPipeline, PpgPipeline, type HrvWindow, type ImuWindow, type PolarityChoice, type PpgPipelineOptions, type PpgWindow } from '../pipelines';
import type { InputChannel, InputStream, LoadedInput } from './load-input';

export interface AnalyzeOptions {
  /** Label or index (into all input channels) of the ECG/PPG signal to analyse. */
  signal?: string;
  /** Which way up the PPG is; 'auto' (the default) detects it from the pulse shape. */
  ppgPolarity?: PpgPipelineOptions['polarity'];
  /** HRV window length and step, s (defaults: DEFAULT_ECG_PIPELINE). */
  hrvWindowSec?: number;
  hrvStepSec?: number;
  /** Called every block with the share (0-1) of the whole analysis done; it may throw to stop it. */
  onProgress?(fraction: number): void;
}

/** Progress of one stream's pass: the share of its samples done. */
type Tick = (fraction: number) => void;

const round = (x: number, d = 3) => (Number.isFinite(x) ? Math.round(x * 10 ** d) / 10 ** d : null);

export interface EcgResult {
  signal: string;
  /** The other lead whose beats filled the signal's RR gaps (dsp/ecg/second-lead.ts), when the input had one. */
  secondLead?: string;
  fs: number;
  /** The beats HR and HRV come from: the detector's, or the user's corrected set of a recorded session (its rejected beats break their intervals). */
  beatSet: 'detected' | 'corrected';
  /** The detector's beats in usable windows (or the corrected set, all of it: the user has judged those). */
  beats: number[];
  /** The detector's beats in windows flagged unusable (ecg-usability.ts): kept apart, not reported as beats, so no HR, HRV, review mark or beat-triggered model run comes from them. */
  withheld: number[];
  /** Lost stretches as [start, end) samples: no RR interval that crosses one is used. */
  gaps: [number, number][];
  hr: { t: (number | null)[]; bpm: (number | null)[] };
  hrv: { overall: Record<string, number | null>; windowSec: number; stepSec: number; windows: Record<string, number | null>[] };
  /** Usability per window (see ecg-usability.ts); `beats` holds the beats of usable windows only. */
  quality: { windowSec: number; t: number[]; noise: (number | null)[]; usable: boolean[]; unusableSec: number };
}

/** The [start, end) sample ranges of the windows flagged unusable, adjacent ones merged. */
export function unusableStretches(ecg: Pick<EcgResult, 'fs' | 'quality'>): [number, number][] {
  const out: [number, number][] = [];
  const q = ecg.quality;
  q.usable.forEach((ok, k) => {
    if (ok) return;
    const a = Math.round(q.t[k] * ecg.fs);
    const b = Math.round((q.t[k] + q.windowSec) * ecg.fs);
    const last = out[out.length - 1];
    if (last && last[1] >= a) last[1] = b;
    else out.push([a, b]);
  });
  return out;
}

function pickChannel(input: LoadedInput, stream: InputStream, signal: string | undefined): InputChannel {
  if (signal !== undefined) {
    const byIndex = /^\d+$/.test(signal) ? input.channels[Number(signal)] : undefined;
    const chosen = byIndex ?? stream.channels.find((c) => c.label.toLowerCase() === signal.toLowerCase());
    if (chosen && stream.channels.includes(chosen)) return chosen;
  }
  return stream.channels[0];
}

/** Another lead of the ECG stream sampled with `lead` (a two-lead record's other lead), to support its beat detection. */
export function secondLeadOf(stream: InputStream, lead: InputChannel): InputChannel | undefined {
  return stream.channels.find((c) => c !== lead && c.fs === lead.fs && c.data.length === lead.data.length);
}

/** Splits [from, to) of `x` into its data runs and NaN runs, in order, as [start, end). */
export function forEachRun(x: ArrayLike<number>, from: number, to: number, data: (start: number, end: number) => void, lost: (start: number, end: number) => void): void {
  for (let i = from; i < to; ) {
    const gap = x[i] !== x[i];
    let j = i + 1;
    while (j < to && (x[j] !== x[j]) === gap) j++;
    (gap ? lost : data)(i, j);
    i = j;
  }
}

/** Samples [a, b) of each channel, one after the other (the pipelines' channel-major blocks). */
function channelMajor(channels: readonly InputChannel[], a: number, b: number): Float64Array {
  const buf = new Float64Array(channels.length * (b - a));
  channels.forEach((c, k) => buf.set(c.data.subarray(a, b), k * (b - a)));
  return buf;
}

function hrvRecord(w: Omit<HrvWindow, 't0' | 't1'> & Partial<Pick<HrvWindow, 't0' | 't1'>>): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const [k, v] of Object.entries(w)) out[k] = round(v as number);
  return out;
}

/** The offline detector's beats on a lead: the streaming detector, then refinement and verification. */
function offlineBeats(x: ArrayLike<number>, fs: number, detected: readonly number[]): number[] {
  return verifyBeats(x, fs, refineBeats(x, fs, detected));
}

/** A second lead's offline beats, ready to fill the analysed lead's gaps (dsp/ecg/second-lead.ts). */
export function otherLeadBeats(lead: ArrayLike<number>, fs: number): SecondLeadBeats {
  return secondLeadBeats(offlineBeats(lead, fs, detectQrs(lead, fs).map((b) => b.sample)), lead, fs);
}

/** The analysed lead's own offline beats from its detections: verification, then noisy re-detection. */
export function ownLeadBeats(x: ArrayLike<number>, fs: number, detected: readonly number[]): number[] {
  return redetectNoisy(x, fs, offlineBeats(x, fs, detected));
}

/**
 * `corrected`: a recorded stream's corrected beats (see InputStream), used for HR and HRV instead
 * of the detector's. `secondLead`: another lead of the same record (same rate and length), whose
 * beats fill the signal's RR gaps (dsp/ecg/second-lead.ts); without it the analysis is single-lead.
 */
export function analyzeEcg(channel: InputChannel, corrected?: InputStream['correctedBeats'], options: Partial<EcgPipelineOptions> = {}, tick?: Tick, secondLead?: InputChannel): EcgResult {
  if (secondLead && (secondLead.fs !== channel.fs || secondLead.data.length !== channel.data.length)) {
    throw new Error(`second lead ${secondLead.label}: ${secondLead.data.length} samples at ${secondLead.fs} Hz, but ${channel.label} has ${channel.data.length} at ${channel.fs} Hz (the leads must be sampled together)`);
  }
  const fs = channel.fs;
  const pipe = new EcgPipeline(fs, options);
  const block = Math.max(1, Math.round(fs));
  const beats: number[] = [];
  const windows: HrvWindow[] = [];
  const gaps: [number, number][] = [];
  const dropped: [number, number][] = [];
  const x = channel.data;
  const collect = (u: EcgUpdate) => {
    for (const beat of u.beats) beats.push(beat.sample);
    for (const p of u.dropped) dropped.push([p, p]);
    windows.push(...u.hrv);
  };
  for (let i = 0; i < x.length; i += block) {
    tick?.(i / x.length);
    forEachRun(
      x,
      i,
      Math.min(x.length, i + block),
      (a, b) => collect(pipe.push(x.subarray(a, b))),
      (a, b) => {
        pipe.lost(b - a);
        const last = gaps[gaps.length - 1];
        if (last && last[1] === a) last[1] = b;
        else gaps.push([a, b]);
      },
    );
  }
  collect(pipe.finish());
  const own = ownLeadBeats(x, fs, beats);
  const refined = secondLead ? fillFromSecondLead(own, otherLeadBeats(secondLead.data, fs), fs) : own;
  // Saying "unusable" beats inventing beats in noise: the beats of flagged windows are withheld
  // (a missed beat there is honest, a noise-made one is not), and no RR interval crosses them.
  const usability = ecgUsability(x, fs, refined);
  const unusable = usability.filter((w) => !w.usable).map((w): [number, number] => [w.start, w.end]);
  const windowLen = usability.length ? usability[0].end - usability[0].start : 1;
  const usableAt = (b: number) => usability[Math.min(usability.length - 1, Math.floor(b / windowLen))]?.usable !== false;
  const kept = refined.filter(usableAt);
  const positions = corrected?.positions ?? kept;
  const times = positions.map((b) => b / fs);
  // Intervals across what the pipeline counts as breaks: gaps that could hide a beat, detections
  // dropped at gaps and unusable windows (the detector's doubt, which a corrected set has settled);
  // and around rejected beats.
  const hiding = Math.round(HIDING_GAP_SEC * fs);
  const hidingGaps = gaps.filter(([a, b]) => b - a >= hiding);
  const rr = corrected
    ? rrSeries(times, 5, 0.2, unusableIntervals(positions, corrected.rejected, hidingGaps))
    : rrSeries(times, 5, 0.2, intervalsAcrossGaps(kept, [...hidingGaps, ...dropped, ...unusable].sort((p, q) => p[0] - q[0])));
  const lost = gaps.reduce((sum, [a, b]) => sum + b - a, 0);
  const hrT: number[] = [];
  const hrB: number[] = [];
  for (let i = 0; i < rr.rr.length; i++) if (rr.nn[i]) { hrT.push(rr.t[i]); hrB.push(60 / rr.rr[i]); }
  return {
    signal: channel.label,
    ...(secondLead ? { secondLead: secondLead.label } : {}),
    fs,
    beatSet: corrected ? 'corrected' : 'detected',
    beats: corrected ? positions.map((p) => Math.round(p)) : kept,
    withheld: corrected ? [] : refined.filter((b) => !usableAt(b)),
    gaps,
    hr: { t: hrT.map((t) => round(t)), bpm: hrB.map((b) => round(b, 2)) },
    hrv: {
      overall: hrvRecord({ missing: lost / Math.max(1, x.length), ...hrvTime(rr), ...hrvFrequency(rr) }),
      windowSec: pipe.options.hrvWindowSec,
      stepSec: pipe.options.hrvStepSec,
      // The pipeline's windows, their HRV recomputed from the corrected beats when there are some.
      windows: windows.map((w) => hrvRecord(corrected ? { ...w, ...hrvTime(rr, w.t0, w.t1), ...hrvFrequency(rr, w.t0, w.t1) } : w)),
    },
    quality: {
      windowSec: usability.length ? (usability[0].end - usability[0].start) / fs : 0,
      t: usability.map((w) => round(w.start / fs)!),
      noise: usability.map((w) => (w.noise === null ? null : round(w.noise))),
      usable: usability.map((w) => w.usable),
      unusableSec: round(usability.reduce((sum, w) => sum + (w.usable ? 0 : w.end - w.start), 0) / fs)!,
    },
  };
}

export interface PpgResult {
  signal: string;
  fs: number;
  beats: number[];
  hr: { t: (number | null)[]; bpm: (number | null)[] };
  spo2: { t: (number | null)[]; percent: (number | null)[]; ratio: (number | null)[]; perfusionIndex: (number | null)[]; calibration: { a: number; b: number } };
  /** Per window; `missing`: the share of it that was lost. */
  quality: { t: (number | null)[]; sqi: (number | null)[]; class: string[]; motion: boolean[]; missing: (number | null)[]; counts: Record<string, number> };
  /** Per window: the HR was carried by the tracker (no confident spectral peak), not measured; and how many were. */
  coasting: { t: (number | null)[]; flag: boolean[]; count: number };
  /** The polarity peaks were found in: given, detected from the first 10 s, or the raw-sensor default. */
  polarity: PolarityChoice;
  windows: PpgWindow[];
}

export function analyzePpg(
  stream: InputStream,
  acc: InputStream | undefined,
  first: InputChannel,
  wanted: AnalyzeOptions['ppgPolarity'] = 'auto',
  tick?: Tick,
  tracker: PpgPipelineOptions['tracker'] = {},
): PpgResult {
  const fs = stream.fs;
  const chans = [first, ...stream.channels.filter((c) => c !== first)];
  const accFs = acc?.fs ?? 0;
  const pipe = new PpgPipeline(fs, { labels: chans.map((c) => c.label), accFs, polarity: wanted, tracker });
  const accAxes = acc ? acc.channels.filter((c) => /^(acc|a)[_ ]?[xyz]/i.test(c.label) || /^acc/i.test(c.label)).slice(0, 3) : [];
  const useAcc = accAxes.length === 3;
  const len = first.data.length;
  const block = Math.max(1, Math.round(fs));
  const beats: number[] = [];
  const windows: PpgWindow[] = [];
  for (let i = 0; i < len; i += block) {
    tick?.(i / len);
    const n = Math.min(block, len - i);
    if (useAcc) {
      const a0 = Math.round((i / fs) * accFs);
      const a1 = Math.min(accAxes[0].data.length, Math.round(((i + n) / fs) * accFs));
      forEachRun(accAxes[0].data, a0, a1, (a, b) => pipe.pushAcc(channelMajor(accAxes, a, b), b - a), (a, b) => pipe.lostAcc(b - a));
    }
    forEachRun(
      first.data,
      i,
      i + n,
      (a, b) => {
        const u = pipe.push(channelMajor(chans, a, b), b - a);
        beats.push(...u.beats);
        windows.push(...u.windows);
      },
      (a, b) => pipe.lost(b - a),
    );
  }
  beats.push(...pipe.finish());
  const t = windows.map((w) => round((w.t0 + w.t1) / 2));
  const counts = { good: 0, fair: 0, poor: 0 };
  for (const w of windows) counts[w.quality]++;
  return {
    signal: first.label,
    fs,
    beats,
    hr: { t, bpm: windows.map((w) => round(w.bpm, 2)) },
    spo2: {
      t,
      percent: windows.map((w) => round(w.spo2, 2)),
      ratio: windows.map((w) => round(w.ratio, 4)),
      perfusionIndex: windows.map((w) => round(w.perfusionIndex, 4)),
      calibration: pipe.options.calibration,
    },
    quality: { t, sqi: windows.map((w) => round(w.sqi)), class: windows.map((w) => w.quality), motion: windows.map((w) => w.motion), missing: windows.map((w) => round(w.missing)), counts },
    coasting: { t, flag: windows.map((w) => w.coasting), count: windows.filter((w) => w.coasting).length },
    polarity: { ...pipe.polarity!, slopeSkew: round(pipe.polarity!.slopeSkew ?? NaN) },
    windows,
  };
}

export interface ImuResult {
  fs: number;
  steps: number;
  stepTimes: (number | null)[];
  cadence: { t: (number | null)[]; spm: (number | null)[] };
  intensity: { t: (number | null)[]; enmo: (number | null)[]; class: string[]; motion: boolean[]; missing: (number | null)[] };
}

export function analyzeImu(stream: InputStream, tick?: Tick): ImuResult {
  const fs = stream.fs;
  const axes = stream.channels.filter((c) => !/^(gyro|g[xyz])/i.test(c.label)).slice(0, 3);
  if (axes.length < 3) throw new Error(`IMU stream needs three accelerometer axes, found ${axes.map((a) => a.label).join(', ') || 'none'}`);
  const pipe = new ImuPipeline(fs);
  const len = axes[0].data.length;
  const block = Math.max(1, Math.round(fs));
  const steps: number[] = [];
  const windows: ImuWindow[] = [];
  for (let i = 0; i < len; i += block) {
    tick?.(i / len);
    forEachRun(
      axes[0].data,
      i,
      Math.min(len, i + block),
      (a, b) => {
        const u = pipe.push(channelMajor(axes, a, b), b - a);
        steps.push(...u.steps);
        windows.push(...u.windows);
      },
      (a, b) => pipe.lost(b - a),
    );
  }
  const t = windows.map((w) => round((w.t0 + w.t1) / 2));
  return {
    fs,
    steps: steps.length,
    stepTimes: steps.map((s) => round(s / fs)),
    cadence: { t, spm: windows.map((w) => round(w.cadence, 1)) },
    intensity: { t, enmo: windows.map((w) => round(w.enmo, 4)), class: windows.map((w) => w.intensity), motion: windows.map((w) => w.motion), missing: windows.map((w) => round(w.missing)) },
  };
}

export interface AnalysisResult {
  source: string;
  notes: string[];
  ecg?: EcgResult;
  ppg?: Omit<PpgResult, 'windows'>;
  imu?: ImuResult;
}

export function analyze(input: LoadedInput, options: AnalyzeOptions = {}): AnalysisResult {
  const result: AnalysisResult = { source: input.source, notes: [...input.notes] };
  const ecg = input.streams.find((s) => s.kind === 'ecg');
  const ppg = input.streams.find((s) => s.kind === 'ppg');
  const imu = input.streams.find((s) => s.kind === 'imu');
  if (!ecg && !ppg && !imu) throw new Error(`no ECG, PPG or IMU signal found in ${input.source} (name the kind with --kind LABEL=KIND)`);
  if (options.signal !== undefined) {
    const byIndex = /^\d+$/.test(options.signal) ? input.channels[Number(options.signal)] : undefined;
    const found = byIndex ?? input.channels.find((c) => c.label.toLowerCase() === options.signal!.toLowerCase());
    if (!found) throw new Error(`--signal ${options.signal}: no such signal; signals: ${input.channels.map((c, i) => `${i}:${c.label}`).join(', ')}`);
  }
  // Progress weighs each pass by its samples.
  const passes = [ecg, ppg, imu].map((s) => (s ? s.channels[0].data.length : 0));
  const total = passes.reduce((a, b) => a + b, 0) || 1;
  const tick = (pass: number): Tick | undefined => {
    const done = passes.slice(0, pass).reduce((a, b) => a + b, 0);
    return options.onProgress && ((f) => options.onProgress!((done + f * passes[pass]) / total));
  };
  const ecgOptions = { ...(options.hrvWindowSec ? { hrvWindowSec: options.hrvWindowSec } : {}), ...(options.hrvStepSec ? { hrvStepSec: options.hrvStepSec } : {}) };
  if (ecg) {
    const lead = pickChannel(input, ecg, options.signal);
    result.ecg = analyzeEcg(lead, ecg.correctedBeats, ecgOptions, tick(0), ecg.correctedBeats ? undefined : secondLeadOf(ecg, lead));
  }
  if (ppg) {
    const { windows: _w, ...rest } = analyzePpg(ppg, imu, pickChannel(input, ppg, options.signal), options.ppgPolarity, tick(1));
    result.ppg = rest;
  }
  if (imu) {
    try {
      result.imu = analyzeImu(imu, tick(2));
    } catch (error) {
      result.notes.push((error as Error).message);
    }
  }
  return result;
}

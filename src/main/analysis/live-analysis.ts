import type { Chunk, ModelState, Numeric, Quality, SessionEvent, StreamInfo, UnsupportedStream } from '../../shared/types';
import { butterworth, notch } from './dsp/filters/butterworth';
import { SosFilter } from './dsp/filters/sos-filter';
import { welch, type Psd } from './dsp/welch';
import { LiveModel } from './inference/live-model';
import type { ModelHost } from './inference/model-host';
import { USABLE_CHANNEL, USABLE_MARGIN_S, USABLE_WINDOW_S } from '../../shared/ecg-usable';
import type { UsabilityWindow } from './dsp/ecg/ecg-usability';
import { EcgPipeline, EcgUsabilityMonitor, ImuPipeline, MAX_MISSING, POLARITY_PROBE_S, PpgPipeline, type PpgWindow } from './pipelines';
import { unsupportedReason } from './stream-support';
import { Timeline } from './timeline';

/** Where the live analysis sends what it derives (the worker posts these to the engine). */
export interface AnalysisSink {
  /** The derived streams now defined (replaces the previous set). */
  streams(streams: StreamInfo[]): void;
  chunk(chunk: Chunk): void;
  event(event: SessionEvent): void;
  /** The attached models' states, when one was attached, detached or failed. */
  models?(models: ModelState[]): void;
}

/** Seconds of raw samples kept per stream for PSD requests. */
const PSD_HISTORY_S = 30;
/** History caps, whatever a board declares: samples per channel, and values over all channels (16 MB). */
const MAX_HISTORY_SAMPLES = 2 ** 20;
const MAX_HISTORY_VALUES = 2 ** 22;
/** A heart rate older than this (s) is no longer shown. */
const STALE_S = 5;
/** Seconds back a beat, step or window may be reported (the PPG polarity probe, plus margin). */
const TIMELINE_S = POLARITY_PROBE_S + 10;

/** The last PSD_HISTORY_S seconds of every channel of a stream, at most the caps above. */
class History {
  private readonly data: Float32Array[];
  private at = 0;
  private filled = 0;

  constructor(
    readonly channels: number,
    readonly rate: number,
  ) {
    const size = Math.max(16, Math.min(Math.round(rate * PSD_HISTORY_S), MAX_HISTORY_SAMPLES, Math.floor(MAX_HISTORY_VALUES / Math.max(1, channels))));
    this.data = Array.from({ length: channels }, () => new Float32Array(size));
  }

  add(chunk: Chunk): void {
    const size = this.data[0].length;
    for (let i = 0; i < chunk.n; i++) {
      for (let c = 0; c < this.data.length; c++) this.data[c][(this.at + i) % size] = chunk.data[c * chunk.n + i];
    }
    this.at = (this.at + chunk.n) % size;
    this.filled = Math.min(size, this.filled + chunk.n);
  }

  /** The newest `seconds` of channel c, oldest first. */
  last(c: number, seconds: number): Float64Array {
    const size = this.data[0].length;
    const n = Math.min(this.filled, Math.round(seconds * this.rate));
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.data[c][(this.at - n + i + size * 2) % size];
    return out;
  }
}

/** Power-line frequencies notched out of the ECG's filtered view: both, as the board's country is unknown. */
const MAINS_HZ = [50, 60];
/** Notch quality factor: -3 dB width of 50/30 = 1.7 Hz, so the ECG around it is left alone. */
const MAINS_Q = 30;

/**
 * The filtered view of a stream for the live display's raw/filtered toggle: a causal 2nd-order
 * Butterworth band-pass per channel (baseline wander and high-frequency noise removed), plus
 * notches at the given frequencies the sample rate can hold (mains hum, which a 2nd-order
 * 40 Hz low-pass only attenuates by 4-7 dB). It keeps the raw stream's sample index, so a gap
 * stays a gap on screen, and restarts (settles) after one.
 */
class DisplayFilter {
  readonly info: StreamInfo;
  private readonly filters: SosFilter[];
  private started = false;

  constructor(src: StreamInfo, lowHz: number, highHz: number, notchHz: readonly number[] = []) {
    const high = Math.min(highHz, src.rate * 0.45);
    this.info = { ...src, key: `${src.key}.filtered`, name: `${src.name}.filtered`, derivedFrom: src.key, liveOnly: true };
    const sections = [butterworth(2, [lowHz, high], src.rate, 'bandpass'), ...notchHz.filter((f) => f < src.rate * 0.45).map((f) => notch(f, MAINS_Q, src.rate))];
    const sos = Float64Array.from(sections.flatMap((s) => [...s]));
    this.filters = src.channels.map(() => new SosFilter(sos));
  }

  /** `lost`: samples lost since the previous chunk (null: none known, as for the first). */
  apply(chunk: Chunk, lost: number | null): Chunk {
    const data = new Float32Array(chunk.data.length);
    const restart = !this.started || lost !== null;
    this.filters.forEach((f, c) => {
      const from = c * chunk.n;
      if (restart) f.settle(chunk.data[from]);
      for (let i = 0; i < chunk.n; i++) data[from + i] = f.step(chunk.data[from + i]);
    });
    this.started = true;
    return { key: this.info.key, index: chunk.index, t0: chunk.t0, dt: chunk.dt, n: chunk.n, data };
  }
}

interface Tracker {
  info: StreamInfo;
  derived: StreamInfo;
  filter?: DisplayFilter;
  /** `lost`: samples lost before this chunk, 0 for a break of unknown length, null for none. */
  push(chunk: Chunk, lost: number | null): void;
  numerics(now: number): Numeric[];
}

function derivedStream(src: StreamInfo, rate: number, channels: StreamInfo['channels']): StreamInfo {
  const name = `${src.name}.metrics`;
  return { key: `${src.deviceId}/${name}`, deviceId: src.deviceId, name, kind: 'other', rate, channels, derivedFrom: src.key };
}

/** `missing`: the share of the value's window that was lost; more than MAX_MISSING makes it poor. */
function numeric(key: string, name: Numeric['name'], label: string, value: number, unit: string, quality: Quality | null, missing?: number): Numeric {
  const finite = Number.isFinite(value);
  const q = finite && quality && missing !== undefined && missing > MAX_MISSING ? 'poor' : quality;
  return { key, name, label, value: finite ? value : null, unit, quality: finite ? q : null, ...(missing !== undefined && Number.isFinite(missing) ? { missing } : {}) };
}

/** Announces a chunk's lost samples to a pipeline (see pipelines/gap-bridge.ts). */
function announce(pipeline: { lost(n: number): void }, lost: number | null): number {
  if (lost !== null) pipeline.lost(lost);
  return lost ?? 0;
}

/** Why an unusable window's HR is not to be trusted, as the tiles' tooltip says it. */
function unusableReason(w: UsabilityWindow): string {
  const what = w.noise === null ? 'no beat found though the QRS band carries signal' : "noise: the beats found do not look like this patient's QRS complexes";
  return `ECG unusable: ${what} (the newest judged 5 s window, which ended 6-10 s ago); its heart rate is not to be trusted`;
}

/**
 * ECG: QRS detection on the first lead, heart rate per beat, RMSSD over the last minute (with its
 * lost share), usability per 5 s window (see shared/ecg-usable.ts for its timing and lag), 1 Hz metrics.
 */
class EcgTracker implements Tracker {
  readonly derived: StreamInfo;
  readonly filter: DisplayFilter;
  private readonly pipeline: EcgPipeline;
  private readonly usability: EcgUsabilityMonitor;
  /** The newest verdict (null before the first): the HR is marked unusable while it is. */
  private verdict: UsabilityWindow | null = null;
  private readonly timeline: Timeline;
  /** Called with each detected beat's stream sample (attached models triggered on beats). */
  readonly beatListeners = new Set<(sample: number) => void>();
  private lastHr = { t: -Infinity, bpm: NaN };
  private recentBeats: { t: number; accepted: boolean }[] = [];
  private nextTick = NaN;
  private derivedIndex = 0;

  constructor(
    readonly info: StreamInfo,
    private readonly sink: AnalysisSink,
  ) {
    this.timeline = new Timeline(TIMELINE_S * info.rate);
    this.pipeline = new EcgPipeline(info.rate);
    this.usability = new EcgUsabilityMonitor(info.rate);
    this.filter = new DisplayFilter(info, 0.5, 40, MAINS_HZ);
    this.derived = derivedStream(info, 1, [
      { label: 'HR', unit: 'bpm' },
      { label: 'RMSSD', unit: 'ms' },
      { label: 'lost', unit: '%' },
      // 1 usable, 0 unusable, NaN before the first verdict; about the ECG USABLE_LAG_S earlier (shared/ecg-usable.ts).
      { label: USABLE_CHANNEL, unit: '' },
    ]);
  }

  push(chunk: Chunk, lost: number | null): void {
    const gap = announce(this.pipeline, lost);
    this.timeline.add(chunk, gap);
    this.usability.lost(gap);
    const lead = chunk.data.subarray(0, chunk.n);
    this.usability.push(lead);
    const update = this.pipeline.push(lead);
    const accepted = new Set(update.hr.map((h) => h.t));
    for (const beat of update.beats) {
      this.usability.beat(beat.sample);
      const t = this.timeline.time(beat.sample);
      this.sink.event({ kind: 'beat', key: this.info.key, t, duration: 0, text: 'R' });
      for (const listen of this.beatListeners) listen(beat.sample);
      this.recentBeats.push({ t, accepted: accepted.has(beat.sample / this.info.rate) });
    }
    for (const h of update.hr) this.lastHr = { t: this.timeline.time(Math.round(h.t * this.info.rate)), bpm: h.bpm };
    const end = chunk.t0 + chunk.n * chunk.dt;
    if (Number.isNaN(this.nextTick)) this.nextTick = Math.ceil(chunk.t0);
    while (this.nextTick <= end) {
      this.emitMetrics(this.nextTick);
      this.nextTick += 1;
    }
  }

  /** Stream samples pushed so far, lost ones included: the coordinate of its beats. */
  get samples(): number {
    return this.timeline.samples;
  }

  private emitMetrics(t: number): void {
    // At 5m + 1 s the window [5m - 10, 5m - 5) is judged: the neighbour rule needs [5m - 5, 5m) whole,
    // so a verdict lags one window, plus a second for the detector to report that window's last beats.
    if ((((t - USABLE_MARGIN_S) % USABLE_WINDOW_S) + USABLE_WINDOW_S) % USABLE_WINDOW_S === 0) {
      this.verdict = this.usability.judge(this.timeline.sampleAt(t - USABLE_MARGIN_S)) ?? this.verdict;
    }
    const [hr, rmssd, missing] = this.current(t);
    const usable = this.verdict ? Number(this.verdict.usable) : NaN;
    this.sink.chunk({ key: this.derived.key, index: this.derivedIndex++, t0: t, dt: 1, n: 1, data: Float32Array.of(hr, rmssd, missing * 100, usable) });
  }

  /** HR, RMSSD over the last minute, and the share of that minute lost. */
  private current(now: number): [number, number, number] {
    const hr = now - this.lastHr.t <= STALE_S ? this.lastHr.bpm : NaN;
    const seconds = this.timeline.samples / this.info.rate;
    const hrv = seconds >= 30 ? this.pipeline.hrvAt(Math.max(0, seconds - 60), seconds) : null;
    return [hr, hrv ? hrv.rmssdMs : NaN, hrv ? hrv.missing : NaN];
  }

  /** Good when nearly every recent beat gave a plausible interval, poor when beats stopped or most were rejected. */
  private quality(now: number): Quality {
    this.recentBeats = this.recentBeats.filter((b) => now - b.t <= 10);
    const n = this.recentBeats.length;
    if (n < 3 || now - this.lastHr.t > STALE_S) return 'poor';
    const share = this.recentBeats.filter((b) => b.accepted).length / n;
    return share >= 0.8 ? 'good' : share >= 0.5 ? 'fair' : 'poor';
  }

  numerics(now: number): Numeric[] {
    const [hr, rmssd, missing] = this.current(now);
    const unusable = this.verdict && !this.verdict.usable ? { unusable: unusableReason(this.verdict) } : null;
    const q = unusable ? 'poor' : this.quality(now);
    return [
      { ...numeric(this.info.key, 'hr', 'HR (ECG)', hr, 'bpm', q), ...unusable },
      { ...numeric(this.info.key, 'rmssd', 'RMSSD', rmssd, 'ms', q, missing), ...unusable },
    ];
  }
}

/** PPG: systolic peaks, motion-resistant HR, SpO2, perfusion index and quality per 8 s window (every 2 s). */
class PpgTracker implements Tracker {
  readonly derived: StreamInfo;
  readonly filter: DisplayFilter;
  readonly pipeline: PpgPipeline;
  private readonly timeline: Timeline;
  private last: PpgWindow | null = null;
  private lastAt = -Infinity;
  private derivedIndex = 0;

  constructor(
    readonly info: StreamInfo,
    accRate: number,
    private readonly sink: AnalysisSink,
  ) {
    this.timeline = new Timeline(TIMELINE_S * info.rate);
    this.pipeline = new PpgPipeline(info.rate, { labels: info.channels.map((c) => c.label), accFs: accRate });
    this.filter = new DisplayFilter(info, 0.5, 8);
    this.derived = derivedStream(info, 1 / this.pipeline.options.stepSec, [
      { label: 'HR', unit: 'bpm' },
      { label: 'SpO2', unit: '%' },
      { label: 'PI', unit: '%' },
      { label: 'SQI', unit: '' },
      { label: 'lost', unit: '%' },
      // 1 where the HR is carried by the tracker (no confident spectral peak), not measured.
      { label: 'coasting', unit: '' },
    ]);
  }

  pushAcc(chunk: Chunk, lost: number | null): void {
    if (chunk.data.length / chunk.n < 3) return;
    if (lost !== null) this.pipeline.lostAcc(lost);
    this.pipeline.pushAcc(chunk.data, chunk.n);
  }

  push(chunk: Chunk, lost: number | null): void {
    this.timeline.add(chunk, announce(this.pipeline, lost));
    const update = this.pipeline.push(chunk.data, chunk.n);
    for (const p of update.beats) this.sink.event({ kind: 'beat', key: this.info.key, t: this.timeline.time(p), duration: 0, text: 'systolic peak' });
    for (const w of update.windows) {
      const t = this.timeline.time(Math.round(w.t1 * this.info.rate) - 1);
      const shown = w.quality === 'poor' ? NaN : w.bpm;
      this.sink.chunk({ key: this.derived.key, index: this.derivedIndex++, t0: t, dt: this.pipeline.options.stepSec, n: 1, data: Float32Array.of(shown, w.spo2, w.perfusionIndex, w.sqi, w.missing * 100, w.coasting ? 1 : 0) });
      this.last = w;
      this.lastAt = t;
    }
  }

  numerics(now: number): Numeric[] {
    const w = now - this.lastAt <= STALE_S ? this.last : null;
    const q = w?.quality ?? null;
    return [
      { ...numeric(this.info.key, 'hr', 'HR (PPG)', w?.bpm ?? NaN, 'bpm', q, w?.missing), ...(w?.coasting ? { coasting: true } : {}) },
      numeric(this.info.key, 'spo2', 'SpO2', w?.spo2 ?? NaN, '%', q, w?.missing),
      numeric(this.info.key, 'pi', 'PI', w?.perfusionIndex ?? NaN, '%', q, w?.missing),
    ];
  }
}

/** IMU: steps, cadence and activity (ENMO) per 5 s window. */
class ImuTracker implements Tracker {
  readonly derived: StreamInfo;
  private readonly pipeline: ImuPipeline;
  private readonly timeline: Timeline;
  private cadence = NaN;
  private lastAt = -Infinity;
  private derivedIndex = 0;

  constructor(
    readonly info: StreamInfo,
    private readonly sink: AnalysisSink,
    /** PPG trackers of the same device, fed this accelerometer against motion artifacts. */
    public ppg: PpgTracker[],
  ) {
    this.timeline = new Timeline(TIMELINE_S * info.rate);
    this.pipeline = new ImuPipeline(info.rate);
    this.derived = derivedStream(info, 1 / this.pipeline.windowSec, [
      { label: 'cadence', unit: 'steps/min' },
      { label: 'ENMO', unit: 'g' },
      { label: 'steps', unit: '' },
      { label: 'lost', unit: '%' },
    ]);
  }

  push(chunk: Chunk, lost: number | null): void {
    if (chunk.data.length / chunk.n < 3) return;
    for (const p of this.ppg) p.pushAcc(chunk, lost);
    this.timeline.add(chunk, announce(this.pipeline, lost));
    const update = this.pipeline.push(chunk.data, chunk.n);
    for (const s of update.steps) this.sink.event({ kind: 'step', key: this.info.key, t: this.timeline.time(s), duration: 0, text: 'step' });
    for (const w of update.windows) {
      const t = this.timeline.time(Math.round(w.t1 * this.info.rate) - 1);
      this.sink.chunk({ key: this.derived.key, index: this.derivedIndex++, t0: t, dt: this.pipeline.windowSec, n: 1, data: Float32Array.of(w.cadence, w.enmo, this.pipeline.stepCount, w.missing * 100) });
      this.cadence = w.cadence;
      this.lastAt = t;
    }
  }

  numerics(now: number): Numeric[] {
    const fresh = now - this.lastAt <= 2 * this.pipeline.windowSec;
    return [
      numeric(this.info.key, 'cadence', 'Cadence', fresh ? this.cadence : NaN, 'steps/min', null),
      numeric(this.info.key, 'steps', 'Steps', this.pipeline.stepCount, '', null),
    ];
  }
}

/**
 * The live analysis: one pipeline per analysable raw stream (chosen by kind), fed chunk by chunk,
 * publishing derived metrics streams, filtered display streams for ECG and PPG, beat and step
 * events, and the numerics the UI shows. A PPG
 * stream uses the accelerometer of an IMU stream of the same device against motion artifacts.
 * The same pipelines serve the offline `analyze` command.
 */
export class LiveAnalysis {
  private trackers = new Map<string, Tracker>();
  /** Recent samples of every raw stream, analysed or not, for the PSD view. */
  private histories = new Map<string, History>();
  /** Per raw stream, the sample index its next chunk should start at. */
  private nextIndex = new Map<string, number>();
  /** Streams of an analysable kind that no pipeline can take (too slow, too few channels), with the reason. */
  unsupported: UnsupportedStream[] = [];
  private raw: StreamInfo[] = [];
  private models = new Map<string, LiveModel>();
  /** Models that threw or lost their stream: unloaded, kept to show why. */
  private failedModels: ModelState[] = [];
  private unlisten = new Map<string, () => void>();

  constructor(private readonly sink: AnalysisSink) {}

  setStreams(streams: StreamInfo[]): void {
    const raw = streams.filter((s) => !s.derivedFrom && s.rate > 0 && Number.isFinite(s.rate) && s.channels.length > 0);
    this.raw = raw;
    const next = new Map<string, Tracker>();
    const unsupported: UnsupportedStream[] = [];
    const signature = (s: StreamInfo) => JSON.stringify([s.kind, s.rate, s.channels]);
    this.histories = new Map(
      raw.map((s) => {
        const old = this.histories.get(s.key);
        return [s.key, old && old.channels === s.channels.length && old.rate === s.rate ? old : new History(s.channels.length, s.rate)];
      }),
    );
    const keep = (s: StreamInfo) => {
      const old = this.trackers.get(s.key);
      return old && signature(old.info) === signature(s) ? old : null;
    };
    // One stream a pipeline cannot take is reported and skipped; the others are analysed as usual.
    const build = <T extends Tracker>(s: StreamInfo, make: () => T): T | null => {
      const kept = keep(s) as T | null;
      if (kept) return kept;
      const reason = unsupportedReason(s);
      if (reason) {
        unsupported.push({ key: s.key, reason });
        return null;
      }
      try {
        return make();
      } catch (error) {
        unsupported.push({ key: s.key, reason: `unsupported: ${(error as Error).message}` });
        return null;
      }
    };
    const supported = raw.filter((s) => unsupportedReason(s) === null);
    const ppgByDevice = new Map<string, PpgTracker[]>();
    for (const s of raw.filter((x) => x.kind === 'ppg')) {
      const imu = supported.find((x) => x.deviceId === s.deviceId && x.kind === 'imu');
      const tracker = build(s, () => new PpgTracker(s, imu?.rate ?? 0, this.sink));
      if (!tracker) continue;
      next.set(s.key, tracker);
      ppgByDevice.set(s.deviceId, [...(ppgByDevice.get(s.deviceId) ?? []), tracker]);
    }
    for (const s of raw) {
      const ppg = ppgByDevice.get(s.deviceId) ?? [];
      const tracker = s.kind === 'ecg' ? build(s, () => new EcgTracker(s, this.sink)) : s.kind === 'imu' ? build(s, () => new ImuTracker(s, this.sink, ppg)) : null;
      if (tracker instanceof ImuTracker) tracker.ppg = ppg;
      if (tracker) next.set(s.key, tracker);
    }
    const changed = next.size !== this.trackers.size || [...next].some(([key, t]) => this.trackers.get(key) !== t);
    this.trackers = next;
    this.unsupported = unsupported;
    // A model whose stream went away or was re-described cannot go on: its samples and beats no longer line up.
    let dropped = false;
    for (const model of this.models.values()) {
      const s = raw.find((x) => x.key === model.source.key);
      if (!s || JSON.stringify(s) !== JSON.stringify(model.source)) {
        model.error = `its stream ${model.source.key} ${s ? 'changed' : 'stopped'}; attach it again`;
        this.unload(model);
        dropped = true;
      }
    }
    if (changed || dropped) this.announceStreams();
  }

  private announceStreams(): void {
    const trackers = [...this.trackers.values()].flatMap((t) => (t.filter ? [t.derived, t.filter.info] : [t.derived]));
    this.sink.streams([...trackers, ...[...this.models.values()].map((m) => m.output)]);
  }

  /**
   * Runs `host` on live stream `streamKey` under `id`, its outputs a derived stream; an Error says
   * why the stream cannot feed it.
   */
  attachModel(id: string, host: ModelHost, streamKey: string): ModelState {
    const source = this.raw.find((s) => s.key === streamKey);
    const s = host.signal;
    if (!source) throw new Error(`no live stream "${streamKey}"`);
    if (source.kind !== s.kind) throw new Error(`model ${host.name} takes ${s.kind}; stream ${streamKey} is ${source.kind}`);
    if (source.channels.length < s.channels) throw new Error(`model ${host.name} takes ${s.channels} channel(s); stream ${streamKey} has ${source.channels.length}`);
    const tracker = this.trackers.get(streamKey);
    if (host.manifest.trigger.type === 'beats' && !(tracker instanceof EcgTracker)) throw new Error(`model ${host.name} is triggered on beats, and stream ${streamKey} is not an analysed ECG stream`);
    if ([...this.models.values()].some((m) => m.output.key === `${source.deviceId}/${source.name}.${host.name}`)) throw new Error(`model ${host.name} already runs on ${streamKey}`);
    const model = new LiveModel(id, host, source, tracker instanceof EcgTracker ? tracker.samples : 0, {
      chunk: (c) => this.sink.chunk(c),
      event: (e) => this.sink.event(e),
      failed: (m) => {
        this.unload(m);
        this.announceStreams();
      },
    });
    if (tracker instanceof EcgTracker && host.manifest.trigger.type === 'beats') {
      const listen = (p: number) => model.beat(p);
      tracker.beatListeners.add(listen);
      this.unlisten.set(id, () => tracker.beatListeners.delete(listen));
    }
    this.models.set(id, model);
    this.announceStreams();
    this.sink.models?.(this.modelStates());
    return model.state();
  }

  async detachModel(id: string): Promise<void> {
    const model = this.models.get(id);
    this.failedModels = this.failedModels.filter((m) => m.id !== id);
    if (!model) return;
    this.models.delete(id);
    this.unlisten.get(id)?.();
    this.unlisten.delete(id);
    this.announceStreams();
    this.sink.models?.(this.modelStates());
    await model.close();
  }

  modelStates(): ModelState[] {
    return [...[...this.models.values()].map((m) => m.state()), ...this.failedModels];
  }

  /** Stops a model (it threw, or lost its stream) and keeps its state, error included, to show. */
  private unload(model: LiveModel): void {
    this.models.delete(model.id);
    this.unlisten.get(model.id)?.();
    this.unlisten.delete(model.id);
    void model.close();
    this.failedModels = [...this.failedModels.filter((m) => m.id !== model.id), model.state()];
    this.sink.models?.(this.modelStates());
  }

  /**
   * One raw chunk. A jump in its sample index is lost samples, announced to the pipelines so that
   * nothing spans the gap; an index that went back (a board restarted its count) is a break of
   * unknown length.
   */
  push(chunk: Chunk): void {
    if (chunk.n === 0) return;
    const expected = this.nextIndex.get(chunk.key);
    const lost = expected === undefined || chunk.index === expected ? null : Math.max(0, chunk.index - expected);
    this.nextIndex.set(chunk.key, chunk.index + chunk.n);
    this.histories.get(chunk.key)?.add(chunk);
    // Models get the samples before the tracker finds its beats in them.
    for (const model of this.models.values()) if (model.source.key === chunk.key) model.push(chunk, lost);
    const tracker = this.trackers.get(chunk.key);
    if (!tracker) return;
    if (tracker.filter) this.sink.chunk(tracker.filter.apply(chunk, lost));
    tracker.push(chunk, lost);
  }

  numerics(now: number): Numeric[] {
    return [...this.trackers.values()].flatMap((t) => t.numerics(now));
  }

  /** Welch PSD of the newest `seconds` of one channel (4 s Hann segments, half overlap). */
  psd(key: string, channel: number, seconds: number): Psd {
    const history = this.histories.get(key);
    if (!history) throw new Error(`no live stream "${key}"`);
    if (channel < 0 || channel >= history.channels) throw new Error(`stream "${key}" has no channel ${channel}`);
    const x = history.last(channel, seconds);
    const rate = history.rate;
    if (x.length < rate * 2) throw new Error(`not enough data yet for a PSD of "${key}": need 2 s`);
    const nperseg = Math.min(x.length, 1 << Math.floor(Math.log2(rate * 4)));
    return welch(x, rate, { nperseg });
  }
}

/**
 * A model attached to a live stream: keeps the stream's recent samples (lost ones as NaN), cuts
 * the windows its trigger asks for as samples and beats arrive, and runs them in order, one run at
 * a time off the worker's message loop (onnxruntime runs on its own threads). Windows that touch
 * lost samples are skipped and counted; when the model falls behind real time its queue fills and
 * new windows are dropped and counted, never queued without bound. A run that throws unloads the
 * model with its error. Beats are refined as the offline analysis refines them (`BeatRefiner`)
 * before their windows are cut, so live and offline windows sit at the same sample.
 */
import { quantile } from '../../../shared/quantile';
import type { Chunk, ModelInfo, ModelState, SessionEvent, StreamInfo } from '../../../shared/types';
import { BeatRefiner } from '../dsp/ecg/beat-refine';
import { HIDING_GAP_SEC } from '../pipelines';
import { Timeline } from '../timeline';
import type { ModelHost, ModelResult, ModelWindow } from './model-host';
import { BeatTemplate, cutWindow, resamplePlan, rrBeatsNeeded, rrValues, windowSpan, type ResamplePlan } from './windowing';

/** Windows waiting for a run or in one, at most; more are dropped as `skippedSlow`. */
export const MAX_QUEUE = 32;
/** Runs the latency figures are taken over. */
const LATENCY_RUNS = 500;
/** Seconds of samples kept beyond what a window or a beat's refinement reads (beats arrive late: the detector looks ahead). */
const KEEP_S = 5;

export interface LiveModelSink {
  chunk(chunk: Chunk): void;
  event(event: SessionEvent): void;
  /** The model threw and unloaded itself. */
  failed(model: LiveModel): void;
}

/** What the UI needs of a loaded model. */
export function modelInfo(host: ModelHost): ModelInfo {
  const out = host.manifest.output;
  return {
    file: host.file,
    name: host.name,
    manifest: host.manifest,
    trigger: host.manifest.trigger.type,
    ...(out.type === 'classes' ? { labels: out.labels } : { unit: out.unit }),
  };
}

export class LiveModel {
  readonly output: StreamInfo;
  private readonly fs: number;
  private readonly plan: ResamplePlan;
  private readonly ring: Float32Array[];
  private readonly cap: number;
  private readonly timeline: Timeline;
  /** Stream samples so far (lost ones included), in the coordinate the ECG pipeline reports beats in. */
  private samples: number;
  /** The first sample it was given: nothing before it is in the buffer. */
  private readonly origin: number;
  /** Lost stretches as [start, end) (a break of unknown length: start = end), recent only. */
  private gaps: [number, number][] = [];
  private nextSlide: number;
  /** Detected beats waiting for the samples their refinement looks ahead to (beats trigger). */
  private pending: number[] = [];
  private readonly refiner?: BeatRefiner;
  /** Refined beats. */
  private beats: number[] = [];
  /** Beats kept for the RR values: as many as the longest mean reaches back, and a few more. */
  private readonly keepBeats: number;
  private readonly template?: BeatTemplate;
  /** Index into `beats` of the first beat not yet windowed. */
  private nextBeat = 0;
  private queue: { window: ModelWindow; sample: number }[] = [];
  private running = false;
  /** Windows of the run in flight: still unanswered, so they count in the queue depth. */
  private inFlight = 0;
  private closed = false;
  private latencies: number[] = [];
  private derivedIndex = 0;
  private counts = { windows: 0, skippedGap: 0, skippedSlow: 0 };
  error?: string;

  constructor(
    readonly id: string,
    readonly host: ModelHost,
    readonly source: StreamInfo,
    /** The stream sample the next pushed chunk starts at (the ECG tracker's count, so its beats line up). */
    startSample: number,
    private readonly sink: LiveModelSink,
  ) {
    const s = host.signal;
    this.fs = source.rate;
    this.plan = resamplePlan(this.fs, s.rate);
    const trigger = host.manifest.trigger;
    if (trigger.type === 'beats') this.refiner = new BeatRefiner(this.fs);
    const [a, b] = windowSpan(this.plan, this.fs, s, 0);
    const reads = Math.max(b - a + 1, this.refiner ? this.refiner.lookBack + this.refiner.lookAhead + 1 : 0);
    this.cap = Math.ceil(reads + KEEP_S * this.fs);
    this.ring = Array.from({ length: s.channels }, () => new Float32Array(this.cap).fill(NaN));
    this.samples = startSample;
    this.origin = startSample;
    this.timeline = new Timeline(this.cap);
    this.timeline.samples = startSample;
    this.nextSlide = startSample + s.before * this.fs;
    this.keepBeats = (host.rr ? rrBeatsNeeded(host.rr) : 0) + 4;
    if (host.template) this.template = new BeatTemplate(host.template);
    const out = host.manifest.output;
    const name = `${source.name}.${host.name}`;
    this.output = {
      key: `${source.deviceId}/${name}`,
      deviceId: source.deviceId,
      name,
      kind: 'other',
      rate: trigger.type === 'sliding' ? 1 / trigger.hop : 0,
      channels: out.type === 'classes' ? out.labels.map((l) => ({ label: `p(${l})`, unit: '' })) : [{ label: host.name, unit: out.unit }],
      derivedFrom: source.key,
    };
  }

  /** `lost`: samples lost before this chunk, 0 for a break of unknown length, null for none. */
  push(chunk: Chunk, lost: number | null): void {
    if (this.closed) return;
    if (lost !== null) {
      this.gaps.push([this.samples, this.samples + lost]);
      for (let p = Math.max(this.samples, this.samples + lost - this.cap); p < this.samples + lost; p++) for (const r of this.ring) r[p % this.cap] = NaN;
      this.samples += lost;
    }
    this.timeline.add(chunk, lost ?? 0);
    for (let i = 0; i < chunk.n; i++) {
      const at = (this.samples + i) % this.cap;
      this.ring.forEach((r, c) => (r[at] = chunk.data[c * chunk.n + i]));
    }
    this.samples += chunk.n;
    const oldest = this.samples - 2 * this.cap;
    while (this.gaps.length && this.gaps[0][1] < oldest) this.gaps.shift();
    if (this.host.manifest.trigger.type === 'sliding') this.slide(this.host.manifest.trigger.hop * this.fs);
    else this.refineBeats();
    this.pump();
  }

  /** A beat the ECG detector found at stream sample `p`. */
  beat(p: number): void {
    if (this.closed) return;
    this.pending.push(p);
    this.refineBeats();
    this.pump();
  }

  state(): ModelState {
    const p50 = quantile(this.latencies, 0.5);
    return {
      ...modelInfo(this.host),
      id: this.id,
      streamKey: this.source.key,
      ...(this.closed ? {} : { outputKey: this.output.key }),
      ...(this.error ? { error: this.error } : {}),
      ...this.counts,
      queue: this.queue.length + this.inFlight,
      latencyMs: Number.isNaN(p50) ? null : { p50: round(p50), p99: round(quantile(this.latencies, 0.99)) },
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    // A run in flight finishes on its own; the session is released after it.
    while (this.running) await new Promise((resolve) => setTimeout(resolve, 5));
    await this.host.close();
  }

  private start(p: number): number {
    return p - this.host.signal.before * this.fs;
  }

  private ready(p: number): boolean {
    return windowSpan(this.plan, this.fs, this.host.signal, this.start(p))[1] < this.samples;
  }

  private cut(p: number): Float32Array | null {
    const [a, b] = windowSpan(this.plan, this.fs, this.host.signal, this.start(p));
    // A break of unknown length inside the window: the samples on either side are not neighbours.
    const broken = this.gaps.some(([g0, g1]) => g0 === g1 && g0 > a && g0 <= b);
    const first = Math.max(this.origin, this.samples - this.cap);
    const w = broken ? 'gap' : cutWindow((c, i) => this.ring[c][i % this.cap], { first, end: this.samples }, this.fs, this.host.signal, this.plan, this.start(p));
    // An edge is a window from before the model was attached: not a skip worth counting.
    if (w === 'gap') this.counts.skippedGap++;
    return typeof w === 'string' ? null : w;
  }

  private slide(hop: number): void {
    // Start at the first window that lies after the attach, and after a gap longer than the
    // buffer jump to the first that can still be cut (those jumped over are skipped at the gap).
    const first = Math.max(this.origin, this.samples - this.cap);
    const [a] = windowSpan(this.plan, this.fs, this.host.signal, this.start(this.nextSlide));
    if (a < first) {
      const k = Math.ceil((first - a) / hop);
      if (first > this.origin) this.counts.skippedGap += k;
      this.nextSlide += k * hop;
    }
    const s = this.host.signal;
    for (; this.ready(this.nextSlide); this.nextSlide += hop) {
      const window = this.cut(this.nextSlide);
      if (window) this.enqueue({ signal: window }, this.nextSlide + ((s.after - s.before) * this.fs) / 2);
    }
  }

  /** Refines the pending beats whose look-ahead has arrived, then cuts the windows that are ready. */
  private refineBeats(): void {
    const refiner = this.refiner!;
    const first = Math.max(this.origin, this.samples - this.cap);
    while (this.pending.length && this.pending[0] + refiner.lookAhead < this.samples) {
      const p = this.pending.shift()!;
      const from = Math.max(first, p - refiner.lookBack);
      // Older than the buffer (after a long gap): it cannot be refined or windowed.
      if (p < from) continue;
      const segment = new Float64Array(p + refiner.lookAhead + 1 - from);
      for (let i = 0; i < segment.length; i++) segment[i] = this.ring[0][(from + i) % this.cap];
      const refined = refiner.refine(p, from, segment);
      if (refined !== null) this.beats.push(refined);
    }
    if (this.beats.length > this.keepBeats) {
      const drop = this.beats.length - this.keepBeats;
      this.beats.splice(0, drop);
      this.nextBeat = Math.max(0, this.nextBeat - drop);
    }
    this.windowBeats();
  }

  private windowBeats(): void {
    const rr = this.host.rr;
    const needsPost = rr?.values.some((v) => v.startsWith('post')) ?? false;
    const times = this.beats.map((p) => p / this.fs);
    // As offline: a lost stretch that could hide a beat between the two, or a break of unknown length there.
    const hiding = HIDING_GAP_SEC * this.fs;
    const broken = (a: number, b: number) =>
      this.gaps.some(([g0, g1]) => g0 < this.beats[b] && (g0 === g1 ? g0 >= this.beats[a] : g1 > this.beats[a] && g1 - g0 >= hiding));
    while (this.nextBeat < this.beats.length && this.ready(this.beats[this.nextBeat]) && (!needsPost || this.nextBeat + 1 < this.beats.length)) {
      const i = this.nextBeat++;
      const window = this.cut(this.beats[i]);
      if (!window) continue;
      // As offline: every cut window joins the template, whether or not its beat has the RR values to run.
      const median = this.template?.add(window);
      const values = rr ? rrValues(times, i, rr, broken) : undefined;
      if (values === null) {
        this.counts.skippedGap++;
        continue;
      }
      this.enqueue({ signal: window, ...(values ? { rr: values } : {}), ...(median ? { template: median } : {}) }, this.beats[i]);
    }
  }

  private enqueue(window: ModelWindow, sample: number): void {
    if (this.queue.length + this.inFlight >= MAX_QUEUE) this.counts.skippedSlow++;
    else this.queue.push({ window, sample });
  }

  private pump(): void {
    if (this.running || this.closed || this.queue.length === 0) return;
    this.running = true;
    const batch = this.queue.splice(0, this.host.maxBatch);
    this.inFlight = batch.length;
    const started = performance.now();
    this.host.run(batch.map((b) => b.window)).then(
      (results) => {
        this.running = false;
        this.inFlight = 0;
        this.latencies.push(performance.now() - started);
        if (this.latencies.length > LATENCY_RUNS) this.latencies.shift();
        this.counts.windows += results.length;
        if (!this.closed) results.forEach((r, k) => this.emit(r, batch[k].sample));
        this.pump();
      },
      (error: Error) => {
        this.running = false;
        this.inFlight = 0;
        this.error = error.message;
        void this.close();
        this.sink.failed(this);
      },
    );
  }

  private emit(result: ModelResult, sample: number): void {
    const t = this.timeline.time(sample);
    const values = result.probs ?? [result.value ?? NaN];
    this.sink.chunk({ key: this.output.key, index: this.derivedIndex++, t0: t, dt: this.output.rate > 0 ? 1 / this.output.rate : 0, n: 1, data: Float32Array.from(values) });
    if (result.label && this.host.manifest.display.marks.includes(result.label)) {
      this.sink.event({ kind: 'marker', key: this.source.key, t, duration: 0, text: `${this.host.name}: ${result.label}`, model: { name: this.host.name, label: result.label } });
    }
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

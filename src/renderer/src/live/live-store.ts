import type { LiveFrame } from '../../../shared/api';
import type { StreamInfo } from '../../../shared/types';
import { MarkBuffer } from './mark-buffer';
import { RingBuffer } from './ring-buffer';

/** Seconds of history kept per stream: the widest window plus a margin. */
export const RETENTION_S = 32;
const MAX_CAPACITY = 1 << 21;
/** At most this many beat/step marks are kept per stream (a 300 bpm heart for 32 s is 160). */
export const MAX_MARKS = 2048;

/** The marks one model left on a stream for one of its classes (e.g. the PVC model's "V"). */
export interface ModelMarks {
  model: string;
  label: string;
  marks: MarkBuffer;
}

/** What a chart draws from: live buffers, or a frozen copy while paused. */
export interface LiveSource {
  buffer(key: string): RingBuffer | undefined;
  /** The beat/step marks of a stream (host times), kept for the retention window. */
  marks(key: string): MarkBuffer | undefined;
  /** The attached models' class marks on a stream, one set per model and class. */
  modelMarks(key: string): readonly ModelMarks[] | undefined;
  /** Host time (s) of the newest sample over all streams; NaN before any data. */
  newestTime: number;
}

/**
 * The live samples of every stream, in columnar ring buffers, fed by LiveFrames. Not React
 * state: frames arrive up to 60 times a second and only the canvases need them.
 */
export class LiveStore implements LiveSource {
  private buffers = new Map<string, RingBuffer>();
  private rates = new Map<string, number>();
  private markBuffers = new Map<string, MarkBuffer>();
  private modelMarkSets = new Map<string, ModelMarks[]>();
  private listeners = new Set<() => void>();
  newestTime = NaN;
  /** When (ms since the epoch, engine clock) the newest samples reached the engine: latency's start. */
  newestStamp = NaN;
  /** Browser clock minus engine clock (ms), as the lower envelope of frame transit; 0 on one machine. */
  private engineOffsetMs = NaN;
  /** Browser time (ms) of the last frame with samples. */
  private lastDataAt = -Infinity;

  buffer(key: string): RingBuffer | undefined {
    return this.buffers.get(key);
  }

  marks(key: string): MarkBuffer | undefined {
    return this.markBuffers.get(key);
  }

  modelMarks(key: string): readonly ModelMarks[] | undefined {
    return this.modelMarkSets.get(key);
  }

  /** Track the engine's streams: size buffers from nominal rates, drop streams that are gone. */
  setStreams(streams: readonly StreamInfo[]): void {
    const keys = new Set(streams.map((s) => s.key));
    for (const key of [...this.buffers.keys()]) if (!keys.has(key)) this.buffers.delete(key);
    for (const key of [...this.markBuffers.keys()]) if (!keys.has(key)) this.markBuffers.delete(key);
    for (const key of [...this.modelMarkSets.keys()]) if (!keys.has(key)) this.modelMarkSets.delete(key);
    for (const s of streams) {
      this.rates.set(s.key, s.rate);
      const existing = this.buffers.get(s.key);
      if (existing && existing.channelCount !== s.channels.length) this.buffers.delete(s.key);
    }
  }

  /** The engine's clock now, in host seconds: where a scrolling chart's right edge is. */
  engineNow(): number {
    return (Date.now() - (Number.isNaN(this.engineOffsetMs) ? 0 : this.engineOffsetMs)) / 1000;
  }

  /** Whether samples are flowing (a frame within the last second). */
  get streaming(): boolean {
    return Date.now() - this.lastDataAt < 1000;
  }

  push(frame: LiveFrame): void {
    const received = Date.now();
    const transit = received - frame.sentAt;
    // Follow a faster path at once, a slower one only slowly (a clock step, not a busy moment).
    this.engineOffsetMs = !(transit >= this.engineOffsetMs) ? transit : this.engineOffsetMs + (transit - this.engineOffsetMs) * 0.002;
    let newest = -Infinity;
    let arrived = -Infinity;
    for (const b of frame.blocks) {
      if (b.n <= 0) continue;
      let buf = this.buffers.get(b.key);
      if (!buf || buf.channelCount !== b.channels) {
        const rate = this.rates.get(b.key) || (b.dt > 0 ? 1 / b.dt : 0);
        const capacity = rate > 0 ? Math.ceil(rate * (RETENTION_S + 2)) : 4096;
        buf = new RingBuffer(b.channels, {
          capacity: Math.min(capacity, MAX_CAPACITY),
          retention: RETENTION_S,
          maxCapacity: MAX_CAPACITY,
        });
        this.buffers.set(b.key, buf);
      }
      buf.push(b.t0, b.dt, b.n, b.data);
      const end = b.t0 + (b.n - 1) * b.dt;
      if (end > newest) newest = end;
      if (b.arrivedAt > arrived) arrived = b.arrivedAt;
    }
    const marks = frame.marks ?? [];
    for (const m of marks) {
      if (m.kind === 'model') {
        this.modelMarkBuffer(m.key, m.model, m.label).push(m.t);
        continue;
      }
      let mb = this.markBuffers.get(m.key);
      if (!mb) {
        mb = new MarkBuffer(RETENTION_S, MAX_MARKS);
        this.markBuffers.set(m.key, mb);
      }
      mb.push(m.t);
    }
    // Marks alone are not new samples: the charts show them on their next (scrolling) frame.
    if (newest === -Infinity) return;
    this.lastDataAt = received;
    if (!(newest <= this.newestTime)) this.newestTime = newest;
    this.newestStamp = arrived;
    for (const l of this.listeners) l();
  }

  private modelMarkBuffer(key: string, model: string, label: string): MarkBuffer {
    let sets = this.modelMarkSets.get(key);
    if (!sets) this.modelMarkSets.set(key, (sets = []));
    let set = sets.find((s) => s.model === model && s.label === label);
    if (!set) sets.push((set = { model, label, marks: new MarkBuffer(RETENTION_S, MAX_MARKS) }));
    return set.marks;
  }

  /** Listen for new samples. */
  onData(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A frozen copy of every buffer, for the paused display. */
  snapshot(): LiveSource {
    const copies = new Map<string, RingBuffer>();
    for (const [key, buf] of this.buffers) copies.set(key, buf.clone());
    const marks = new Map<string, MarkBuffer>();
    for (const [key, mb] of this.markBuffers) marks.set(key, mb.clone());
    const modelMarks = new Map<string, ModelMarks[]>();
    for (const [key, sets] of this.modelMarkSets) modelMarks.set(key, sets.map((s) => ({ ...s, marks: s.marks.clone() })));
    return { buffer: (key) => copies.get(key), marks: (key) => marks.get(key), modelMarks: (key) => modelMarks.get(key), newestTime: this.newestTime };
  }

  clear(): void {
    this.buffers.clear();
    this.markBuffers.clear();
    this.modelMarkSets.clear();
    this.newestTime = NaN;
    this.newestStamp = NaN;
  }
}

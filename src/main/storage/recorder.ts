import type { Chunk, QueuedStream, RecordingQueue, RecordingState, SessionEvent, StreamInfo } from '../../shared/types';
import { concatRun, contiguousRuns } from '../acquisition/chunk-runs';
import type { HostClock } from '../acquisition/host-clock';
import type { StreamBus } from '../acquisition/stream-bus';
import { HEARTBEAT_S } from './crash-recovery';
import type { LiveClockFit, Library, NewDevice } from './library';
import { PyramidBuilder } from './pyramid';

/** Commit at least this often: a crash loses less than this much data. */
export const FLUSH_INTERVAL_MS = 250;
/** A device's online clock fit is stored at most this often (host s), and whenever its clock restarts. */
const FIT_EVERY_S = 10;
/** What the queue may hold while the database refuses writes before new samples are dropped. */
export const DEFAULT_QUEUE_BUDGET_BYTES = 256 * 1024 * 1024;

export interface RecorderOptions {
  library: Library;
  bus: StreamBus;
  now: HostClock;
  /** Describes a device of the bus for the devices table. */
  describeDevice(deviceId: string): NewDevice;
  /** Called on the first failed flush (disk full, read-only, I/O error) and whenever the error changes; the data stays queued and is retried. */
  onError?(error: Error): void;
  flushIntervalMs?: number;
  /** Bytes of samples the queue may hold while writes fail (default 256 MiB). */
  queueBudgetBytes?: number;
  /** false: write no min/max pyramid (the first review read builds it); the review-storage bench measures its upkeep so. */
  pyramid?: boolean;
  /** false: leave the re-timing on close to `Library.finishSession` (the app runs it in a job). */
  retimeOnClose?: boolean;
}

/** Samples dropped from one stream since the queue filled, not yet written down as a gap event. */
interface DropAccount {
  reason: string;
  samples: number;
  from: number;
  to: number;
}

/**
 * Records everything on the bus into one session. Chunks are buffered per stream and written in
 * one transaction every 250 ms; contiguous chunks are merged into one row so rows stay large.
 * While the database refuses writes, the merged rows stay queued (built once, never re-merged)
 * up to a byte budget; past it new samples are dropped and counted, and the count is written as
 * a gap event as soon as writing works again. As rows are merged they go into each stream's
 * min/max pyramid, whose new points are written with the rows; and the devices' clock fits are
 * kept every FIT_EVERY_S.
 */
export class Recorder {
  private readonly identity: Pick<RecordingState, 'sessionId' | 'name' | 'participant' | 'startedAt'>;
  private readonly streamInfo = new Map<string, StreamInfo>();
  private readonly streamRows = new Map<string, number>();
  private readonly deviceRows = new Map<string, number>();
  /** Chunks since the last flush attempt. */
  private incoming: Chunk[] = [];
  /** Rows merged by earlier, failed flushes, in order. */
  private rows: Chunk[] = [];
  private pendingEvents: SessionEvent[] = [];
  private queuedBytes = 0;
  /** Set when the budget ran out: no chunk is taken until the backlog is written. */
  private full = false;
  private readonly drops = new Map<string, DropAccount>();
  private readonly droppedTotal = new Map<string, number>();
  private lastWriteAt = 0;
  private readonly pyramids = new Map<string, PyramidBuilder>();
  /** Clock fits not written yet, and per device the last one taken. */
  private fits: LiveClockFit[] = [];
  private readonly lastFit = new Map<number, LiveClockFit>();
  private readonly budget: number;
  private readonly unsubscribe: () => void;
  private readonly timer: NodeJS.Timeout;
  private lastError: Error | null = null;
  /** Chunks for a stream no device described: nothing to store them under. Sticky for the session. */
  private orphanError: Error | null = null;

  constructor(
    private readonly options: RecorderOptions,
    name: string,
    participant: string,
  ) {
    const startedAt = options.now();
    const sessionId = options.library.createSession(name, participant, startedAt);
    this.identity = { sessionId, name, participant, startedAt };
    this.budget = options.queueBudgetBytes ?? DEFAULT_QUEUE_BUDGET_BYTES;
    this.learnStreams(options.bus.streams);
    this.unsubscribe = options.bus.subscribe({
      chunk: (c) => this.take(c),
      event: (e) => this.pendingEvents.push(e),
      streams: (streams) => this.learnStreams(streams),
    }, 'recorder');
    this.timer = setInterval(() => this.flush(), options.flushIntervalMs ?? FLUSH_INTERVAL_MS);
  }

  get state(): RecordingState {
    const error = this.lastError ?? this.orphanError;
    const queue = this.lastError || this.droppedTotal.size > 0 ? this.queue() : undefined;
    return { ...this.identity, ...(error ? { error: error.message } : {}), ...(queue ? { queue } : {}) };
  }

  get error(): Error | null {
    return this.lastError ?? this.orphanError;
  }

  /** Adds a marker now; returns its host time. */
  addMarker(text: string): number {
    const t = this.options.now();
    this.pendingEvents.push({ kind: 'marker', t, duration: 0, text });
    return t;
  }

  /** Queues a protocol step (no stream) that began at host time `t`, with duration 0 until setStepDuration. */
  addStep(text: string, t: number): void {
    this.pendingEvents.push({ kind: 'step', t, duration: 0, text });
  }

  /** Sets the duration of the protocol step that began at `t`: in the queue when not yet written, else in the library. */
  setStepDuration(t: number, duration: number): void {
    const queued = this.pendingEvents.find((e) => e.kind === 'step' && e.key === undefined && e.t === t);
    if (queued) queued.duration = duration;
    else this.options.library.setStepDuration(this.identity.sessionId, t, duration);
  }

  /** A note on the session clock (e.g. why its pre-flight check was overridden). */
  addNote(text: string): void {
    this.pendingEvents.push({ kind: 'note', t: this.options.now(), duration: 0, text });
  }

  /** Writes what is queued. Returns false (keeping the queue) when the database refused it. */
  flush(): boolean {
    const idle =
      this.incoming.length === 0 &&
      this.rows.length === 0 &&
      this.pendingEvents.length === 0 &&
      this.drops.size === 0 &&
      ![...this.pyramids.values()].some((p) => p.hasPending());
    if (idle && Date.now() / 1000 - this.lastWriteAt < HEARTBEAT_S) return true;
    // Merge only what arrived since the last attempt; rows already merged stay as they are.
    for (const run of contiguousRuns(this.incoming)) {
      const row = concatRun(run);
      this.rows.push(row);
      if (this.options.pyramid !== false) this.pyramidOf(row).add(row);
    }
    this.incoming = [];
    try {
      for (const info of this.streamInfo.values()) this.addStream(info);
      const chunks = this.storableRows().map((chunk) => ({ streamId: this.streamRows.get(chunk.key)!, chunk }));
      for (const { chunk } of chunks) this.takeFit(chunk);
      const events = [...this.pendingEvents, ...this.dropEvents()].map((event) => ({
        streamId: event.key ? (this.streamRows.get(event.key) ?? null) : null,
        event,
      }));
      const pyramid = [...this.pyramids].flatMap(([key, builder]) => {
        const streamId = this.streamRows.get(key);
        return streamId === undefined ? [] : [{ streamId, rows: builder.pending() }];
      });
      this.options.library.write(this.identity.sessionId, chunks, events, { pyramid, fits: this.fits });
    } catch (error) {
      const first = this.lastError?.message !== (error as Error).message;
      this.lastError = error as Error;
      if (first) this.options.onError?.(this.lastError);
      return false;
    }
    this.lastWriteAt = Date.now() / 1000;
    this.lastError = null;
    for (const builder of this.pyramids.values()) builder.written();
    this.fits = [];
    this.rows = [];
    this.pendingEvents = [];
    this.drops.clear();
    this.queuedBytes = 0;
    this.full = false;
    return true;
  }

  /** Stops listening, writes the rest and closes the session. Throws, saying what is lost, if the rest cannot be written. */
  stop(): void {
    clearInterval(this.timer);
    this.unsubscribe();
    // The partial blocks of the pyramids become their last points.
    for (const builder of this.pyramids.values()) builder.end();
    if (!this.flush()) {
      const lost = this.queue()
        .streams.filter((s) => s.bytes > 0)
        .map((s) => `${s.key} ${s.seconds.toFixed(1)} s`)
        .join(', ');
      throw new Error(`could not write the end of session ${this.identity.sessionId} (${this.lastError?.message}); not written: ${lost || 'events only'}`);
    }
    this.options.library.endSession(this.identity.sessionId, this.options.now(), this.options.pyramid !== false, this.options.retimeOnClose !== false);
  }

  private take(chunk: Chunk): void {
    if (this.streamInfo.get(chunk.key)?.liveOnly) return;
    const bytes = chunk.data.byteLength;
    if (!this.full && this.queuedBytes + bytes <= this.budget) {
      this.incoming.push(chunk);
      this.queuedBytes += bytes;
      return;
    }
    this.full = true;
    this.countDropped(chunk, "the library could not be written and the recorder's queue was full");
  }

  private countDropped(chunk: Chunk, reason: string): void {
    const { key, n: samples, t0: from } = chunk;
    const to = from + chunk.n * chunk.dt;
    const account = this.drops.get(key);
    if (account) {
      account.samples += samples;
      account.from = Math.min(account.from, from);
      account.to = Math.max(account.to, to);
    } else this.drops.set(key, { reason, samples, from, to });
    this.droppedTotal.set(key, (this.droppedTotal.get(key) ?? 0) + samples);
  }

  /** The queued rows that have a stream row; rows of a stream no device described are dropped, counted and reported. */
  private storableRows(): Chunk[] {
    const orphans = this.rows.filter((c) => !this.streamRows.has(c.key));
    if (orphans.length === 0) return this.rows;
    for (const c of orphans) {
      this.countDropped(c, 'no device described this stream');
      this.queuedBytes -= c.data.byteLength;
    }
    const keys = [...new Set(orphans.map((c) => c.key))].join(', ');
    this.orphanError = new Error(`samples arrived for ${keys}, a stream no device described: they cannot be stored and are counted as dropped`);
    this.options.onError?.(this.orphanError);
    this.rows = this.rows.filter((c) => this.streamRows.has(c.key));
    return this.rows;
  }

  /** Gap events for the samples dropped since the last successful write, one per stream. */
  private dropEvents(): SessionEvent[] {
    return [...this.drops].map(([key, d]) => ({
      kind: 'gap' as const,
      key,
      t: d.from,
      duration: d.to - d.from,
      text: `${d.samples} samples dropped: ${d.reason}`,
      lost: d.samples,
    }));
  }

  private pyramidOf(chunk: Chunk): PyramidBuilder {
    let builder = this.pyramids.get(chunk.key);
    if (!builder) this.pyramids.set(chunk.key, (builder = new PyramidBuilder(chunk.data.length / chunk.n)));
    return builder;
  }

  /** Keeps the chunk's online clock fit when its device's last kept one is FIT_EVERY_S old or of another clock epoch. */
  private takeFit(chunk: Chunk): void {
    const clock = chunk.clock;
    const deviceId = this.streamInfo.get(chunk.key)?.deviceId;
    const deviceRowId = deviceId === undefined ? undefined : this.deviceRows.get(deviceId);
    if (!clock || deviceRowId === undefined) return;
    const last = this.lastFit.get(deviceRowId);
    if (last && last.epoch === clock.epoch && chunk.t0 - last.t < FIT_EVERY_S) return;
    const fit: LiveClockFit = { deviceRowId, epoch: clock.epoch, t: chunk.t0, dev: clock.dev0, offset: clock.offset, drift: clock.drift };
    this.lastFit.set(deviceRowId, fit);
    this.fits.push(fit);
  }

  private queue(): RecordingQueue {
    const perStream = new Map<string, QueuedStream>();
    const entry = (key: string): QueuedStream => {
      let s = perStream.get(key);
      if (!s) perStream.set(key, (s = { key, seconds: 0, bytes: 0, droppedSamples: this.droppedTotal.get(key) ?? 0 }));
      return s;
    };
    for (const c of [...this.rows, ...this.incoming]) {
      const s = entry(c.key);
      s.seconds += c.n * c.dt;
      s.bytes += c.data.byteLength;
    }
    for (const key of this.droppedTotal.keys()) entry(key);
    // The backlog grows at the streams' own data rates (bytes per second of signal).
    const growth = [...perStream.values()].reduce((sum, s) => sum + (s.seconds > 0 ? s.bytes / s.seconds : 0), 0);
    const secondsUntilFull = this.full ? 0 : growth > 0 ? (this.budget - this.queuedBytes) / growth : null;
    return { bytes: this.queuedBytes, budgetBytes: this.budget, secondsUntilFull, streams: [...perStream.values()] };
  }

  private learnStreams(streams: StreamInfo[]): void {
    for (const s of streams) {
      this.streamInfo.set(s.key, s);
      try {
        this.addStream(s);
      } catch {
        // the database refuses writes: the next flush retries the row and reports the error
      }
    }
  }

  /** Adds the stream's device and stream rows once; throws (to be retried at the next flush) when the database refuses. */
  private addStream(info: StreamInfo): void {
    if (info.liveOnly || this.streamRows.has(info.key)) return;
    let deviceRow = this.deviceRows.get(info.deviceId);
    if (deviceRow === undefined) {
      deviceRow = this.options.library.addDevice(this.identity.sessionId, this.options.describeDevice(info.deviceId));
      this.deviceRows.set(info.deviceId, deviceRow);
    }
    this.streamRows.set(info.key, this.options.library.addStream(this.identity.sessionId, deviceRow, info));
  }
}

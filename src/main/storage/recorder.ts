import type { Chunk, RecordingState, SessionEvent, StreamInfo } from '../../shared/types';
import { concatRun, contiguousRuns } from '../acquisition/chunk-runs';
import type { HostClock } from '../acquisition/host-clock';
import type { StreamBus } from '../acquisition/stream-bus';
import type { Library, NewDevice } from './library';

/** Commit at least this often: a crash loses less than this much data. */
export const FLUSH_INTERVAL_MS = 250;

export interface RecorderOptions {
  library: Library;
  bus: StreamBus;
  now: HostClock;
  /** Describes a device of the bus for the devices table. */
  describeDevice(deviceId: string): NewDevice;
  /** Called when a flush fails (disk full, I/O error); the data stays queued and is retried. */
  onError?(error: Error): void;
  flushIntervalMs?: number;
}

/**
 * Records everything on the bus into one session. Chunks are buffered per stream and written in
 * one transaction every 250 ms; contiguous chunks are merged into one row so rows stay large.
 */
export class Recorder {
  readonly state: RecordingState;
  private readonly streamRows = new Map<string, number>();
  private readonly deviceRows = new Map<string, number>();
  private pendingChunks: Chunk[] = [];
  private pendingEvents: SessionEvent[] = [];
  private readonly unsubscribe: () => void;
  private readonly timer: NodeJS.Timeout;
  private lastError: Error | null = null;

  constructor(
    private readonly options: RecorderOptions,
    name: string,
    participant: string,
  ) {
    const startedAt = options.now();
    const sessionId = options.library.createSession(name, participant, startedAt);
    this.state = { sessionId, name, participant, startedAt };
    for (const s of options.bus.streams) this.addStream(s);
    this.unsubscribe = options.bus.subscribe({
      chunk: (c) => this.pendingChunks.push(c),
      event: (e) => this.pendingEvents.push(e),
      streams: (streams) => streams.forEach((s) => this.addStream(s)),
    }, 'recorder');
    this.timer = setInterval(() => this.flush(), options.flushIntervalMs ?? FLUSH_INTERVAL_MS);
  }

  get error(): Error | null {
    return this.lastError;
  }

  addMarker(text: string): void {
    this.pendingEvents.push({ kind: 'marker', t: this.options.now(), duration: 0, text });
  }

  /** Writes what is queued. Returns false (keeping the queue) when the database refused it. */
  flush(): boolean {
    if (this.pendingChunks.length === 0 && this.pendingEvents.length === 0) return true;
    const chunks = contiguousRuns(this.pendingChunks).flatMap((run) => {
      const chunk = concatRun(run);
      const streamId = this.streamRows.get(chunk.key);
      return streamId === undefined ? [] : [{ streamId, chunk }];
    });
    const events = this.pendingEvents.map((event) => ({ streamId: event.key ? (this.streamRows.get(event.key) ?? null) : null, event }));
    try {
      this.options.library.write(this.state.sessionId, chunks, events);
    } catch (error) {
      this.lastError = error as Error;
      this.options.onError?.(this.lastError);
      return false;
    }
    this.lastError = null;
    this.pendingChunks = [];
    this.pendingEvents = [];
    return true;
  }

  /** Stops listening, writes the rest and closes the session. Throws if the rest cannot be written. */
  stop(): void {
    clearInterval(this.timer);
    this.unsubscribe();
    if (!this.flush()) throw new Error(`could not write the end of session ${this.state.sessionId}: ${this.lastError?.message}`);
    this.options.library.endSession(this.state.sessionId, this.options.now());
  }

  private addStream(info: StreamInfo): void {
    if (info.liveOnly || this.streamRows.has(info.key)) return;
    let deviceRow = this.deviceRows.get(info.deviceId);
    if (deviceRow === undefined) {
      deviceRow = this.options.library.addDevice(this.state.sessionId, this.options.describeDevice(info.deviceId));
      this.deviceRows.set(info.deviceId, deviceRow);
    }
    this.streamRows.set(info.key, this.options.library.addStream(this.state.sessionId, deviceRow, info));
  }
}

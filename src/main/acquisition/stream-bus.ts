import type { Chunk, SessionEvent, StreamInfo } from '../../shared/types';

export interface BusListener {
  chunk?(chunk: Chunk): void;
  event?(event: SessionEvent): void;
  /** A stream was added (a device said HELLO) or removed (its device disconnected). */
  streams?(streams: StreamInfo[]): void;
}

/** A listener threw: which one (its subscribe name), in which callback, and how many times so far. */
export interface ListenerError {
  listener: string;
  callback: keyof BusListener;
  message: string;
  /** Times this listener has thrown this message in this callback, this report included. */
  count: number;
  /** One line for a status banner. */
  text: string;
}

export interface StreamBusOptions {
  /**
   * Called when a listener throws. Repeats of the same error are reported at the 1st, 10th, 100th...
   * occurrence, so a listener failing on every chunk cannot flood the status.
   */
  onListenerError?(error: ListenerError): void;
}

/**
 * The one place chunks and events flow through: recorder, analysis and UI all listen here. Every
 * listener call is isolated: one that throws is reported and skipped, and the others and the
 * publisher (a device's data callback) carry on.
 */
export class StreamBus {
  private readonly streamMap = new Map<string, StreamInfo>();
  private readonly listeners = new Map<BusListener, string>();
  private readonly owned = new Map<string, string[]>();
  private readonly errorCounts = new Map<string, number>();

  constructor(private readonly options: StreamBusOptions = {}) {}

  get streams(): StreamInfo[] {
    return [...this.streamMap.values()];
  }

  stream(key: string): StreamInfo | undefined {
    return this.streamMap.get(key);
  }

  /** `name` says who listens (e.g. 'recorder'), for the error report when the listener throws. */
  subscribe(listener: BusListener, name = 'listener'): () => void {
    this.listeners.set(listener, name);
    return () => this.listeners.delete(listener);
  }

  /** Replaces the streams that `owner` (a device, or the analysis) published before with `streams`. */
  setStreams(owner: string, streams: StreamInfo[]): void {
    for (const key of this.owned.get(owner) ?? []) this.streamMap.delete(key);
    this.owned.set(owner, streams.map((s) => s.key));
    for (const s of streams) this.streamMap.set(s.key, s);
    const all = this.streams;
    this.each('streams', (l) => l.streams?.(all));
  }

  publish(chunk: Chunk): void {
    this.each('chunk', (l) => l.chunk?.(chunk));
  }

  publishEvent(event: SessionEvent): void {
    this.each('event', (l) => l.event?.(event));
  }

  private each(callback: keyof BusListener, call: (l: BusListener) => void): void {
    for (const [l, name] of this.listeners) {
      try {
        call(l);
      } catch (error) {
        this.report(name, callback, error);
      }
    }
  }

  private report(listener: string, callback: keyof BusListener, error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    const id = `${listener}\u0000${callback}\u0000${message}`;
    const count = (this.errorCounts.get(id) ?? 0) + 1;
    this.errorCounts.set(id, count);
    // 1, 10, 100, ...: a power of ten.
    if (10 ** Math.round(Math.log10(count)) !== count) return;
    const times = count > 1 ? ` (${count} times)` : '';
    const text = `${listener} failed on ${callback === 'chunk' ? 'a chunk' : callback === 'event' ? 'an event' : 'a stream change'}${times}: ${message}`;
    try {
      this.options.onListenerError?.({ listener, callback, message, count, text });
    } catch {
      // The reporter itself failing must not reach the publisher either.
    }
  }
}

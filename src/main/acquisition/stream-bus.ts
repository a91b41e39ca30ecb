import type { Chunk, SessionEvent, StreamInfo } from '../../shared/types';

export interface BusListener {
  chunk?(chunk: Chunk): void;
  event?(event: SessionEvent): void;
  /** A stream was added (a device said HELLO) or removed (its device disconnected). */
  streams?(streams: StreamInfo[]): void;
}

/** The one place chunks and events flow through: recorder, analysis and UI all listen here. */
export class StreamBus {
  private readonly streamMap = new Map<string, StreamInfo>();
  private readonly listeners = new Set<BusListener>();
  private readonly owned = new Map<string, string[]>();

  get streams(): StreamInfo[] {
    return [...this.streamMap.values()];
  }

  stream(key: string): StreamInfo | undefined {
    return this.streamMap.get(key);
  }

  subscribe(listener: BusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Replaces the streams that `owner` (a device, or the analysis) published before with `streams`. */
  setStreams(owner: string, streams: StreamInfo[]): void {
    for (const key of this.owned.get(owner) ?? []) this.streamMap.delete(key);
    this.owned.set(owner, streams.map((s) => s.key));
    for (const s of streams) this.streamMap.set(s.key, s);
    const all = this.streams;
    for (const l of this.listeners) l.streams?.(all);
  }

  publish(chunk: Chunk): void {
    for (const l of this.listeners) l.chunk?.(chunk);
  }

  publishEvent(event: SessionEvent): void {
    for (const l of this.listeners) l.event?.(event);
  }
}

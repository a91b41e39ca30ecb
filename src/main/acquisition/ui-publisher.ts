import type { LiveFrame, LiveMark, LiveStreamBlock } from '../../shared/api';
import type { Chunk } from '../../shared/types';
import { concatRun, contiguousRuns } from './chunk-runs';
import type { HostClock } from './host-clock';
import type { StreamBus } from './stream-bus';

/** The UI never needs more than this many frames a second; batching keeps IPC/WebSocket cheap. */
export const MAX_FRAME_RATE = 60;

/**
 * Collects chunks from the bus and hands the UI one frame of everything new at most 60 times a
 * second. Chunks of a stream that follow on each other are merged into one block.
 */
export class UiPublisher {
  private pending: Chunk[] = [];
  private marks: LiveMark[] = [];
  /** Arrival (ms since the epoch) of the newest pending chunk of each stream. */
  private arrivals = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private readonly unsubscribe: () => void;

  constructor(
    bus: StreamBus,
    private readonly send: (frame: LiveFrame) => void,
    private readonly now: HostClock,
  ) {
    this.unsubscribe = bus.subscribe({
      chunk: (c) => this.add(c),
      event: (e) => {
        if (!e.key) return;
        if (e.kind === 'beat' || e.kind === 'step') this.marks.push({ key: e.key, t: e.t, kind: e.kind });
        else if (e.model) this.marks.push({ key: e.key, t: e.t, kind: 'model', model: e.model.name, label: e.model.label });
      },
    }, 'live view publisher');
    this.timer = setInterval(() => this.flush(), 1000 / MAX_FRAME_RATE);
  }

  close(): void {
    this.unsubscribe();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private add(chunk: Chunk): void {
    this.pending.push(chunk);
    this.arrivals.set(chunk.key, this.now() * 1000);
  }

  flush(): void {
    if (this.pending.length === 0 && this.marks.length === 0) return;
    const blocks = contiguousRuns(this.pending).map((run): LiveStreamBlock => {
      const { key, t0, dt, n, data } = concatRun(run, Float32Array);
      return { key, t0, dt, n, channels: data.length / n, data: data as Float32Array, arrivedAt: this.arrivals.get(key)! };
    });
    const marks = this.marks;
    this.pending = [];
    this.marks = [];
    this.send({ sentAt: this.now() * 1000, blocks, marks });
  }
}

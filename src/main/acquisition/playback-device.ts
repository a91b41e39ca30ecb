import type { DeviceStats, EventKind, PlaybackProgress, RawView, SessionEvent, StreamInfo, StreamStats } from '../../shared/types';
import type { Library, StoredSession, StoredStream } from '../storage/library';
import type { HostClock } from './host-clock';
import { RateMeter } from './rate-meter';
import type { StreamBus } from './stream-bus';

export const PLAYBACK_PREFIX = 'playback:';
export const MIN_SPEED = 1;
export const MAX_SPEED = 10;

/** How often the playback hands over what is due, ms: like the simulator's USB poll. */
const TICK_MS = 20;
/** Recorded events that are replayed; beats, steps and derived data come from the live analysis again. */
const REPLAYED_EVENTS: readonly EventKind[] = ['gap', 'marker', 'device', 'note'];

interface PlayedStream {
  stored: StoredStream;
  info: StreamInfo;
  samples: number;
  chunks: number;
  gaps: number;
  rate: RateMeter;
}

export interface PlaybackDeviceOptions {
  id: string;
  library: Library;
  session: StoredSession;
  /** Seconds from the session start to its last sample. */
  duration: number;
  speed: number;
  bus: StreamBus;
  now: HostClock;
  onChange?(): void;
}

/** The session id of a `playback:<id>` device id, or null when `id` is not one. */
export function playbackSessionId(id: string): number | null {
  if (!id.startsWith(PLAYBACK_PREFIX)) return null;
  const n = Number(id.slice(PLAYBACK_PREFIX.length));
  return Number.isInteger(n) && n > 0 ? n : null;
}

/**
 * A recorded session as a live device: its raw streams (not the derived ones, which the live
 * analysis derives again) are read from the library a slice of time at a time and published on
 * the bus, with their recorded values and sample indices, so gaps stay gaps; the recorded gap,
 * marker and board events are published as they come. Paced by host time at `speed` x real time.
 *
 * Host times are the played-out times: a recorded time t becomes start + (t - session start) /
 * speed, and sample spacing is divided by the speed, so the live view scrolls at the chosen speed.
 * A recording made of a playback therefore stores the same values, indices and gaps on that
 * played-out (at N x, N-fold compressed) timeline, with the nominal rates of the original.
 */
export class PlaybackDevice {
  readonly id: string;
  private readonly streams: PlayedStream[];
  private readonly origin: number;
  /** Host time the playback's position 0 is played at; set by the first tick. */
  private playStart: number | null = null;
  /** Seconds of the session published so far. */
  private position = 0;
  private timer: NodeJS.Timeout | null = null;
  private state: DeviceStats['state'] = 'connecting';
  private error: string | undefined;

  constructor(private readonly options: PlaybackDeviceOptions) {
    this.id = options.id;
    this.origin = options.session.startedAt;
    const raw = options.session.streams.filter((s) => !s.derivedFrom);
    if (raw.length === 0) throw new Error(`session ${options.session.id} has no recorded streams to play back`);
    const repeated = new Set(raw.map((s) => s.name).filter((name, i, all) => all.indexOf(name) !== i));
    this.streams = raw.map((stored) => ({
      stored,
      // Two boards' streams of one name keep their recorded keys apart.
      info: { key: `${this.id}/${repeated.has(stored.name) ? stored.key : stored.name}`, deviceId: this.id, name: stored.name, kind: stored.kind, rate: stored.rate, channels: stored.channels },
      samples: 0,
      chunks: 0,
      gaps: 0,
      rate: new RateMeter(),
    }));
  }

  get label(): string {
    return playbackLabel(this.options.session);
  }

  get progress(): PlaybackProgress {
    return { sessionId: this.options.session.id, speed: this.options.speed, position: this.position, duration: this.options.duration };
  }

  start(): void {
    this.options.bus.setStreams(this.id, this.streams.map((s) => s.info));
    this.state = 'streaming';
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  async close(): Promise<void> {
    this.stopTimer();
    this.state = 'disconnected';
    this.options.bus.setStreams(this.id, []);
  }

  /** What a recording made of this playback stores as its device's descriptor. */
  descriptorJson(): Record<string, unknown> {
    const { session, speed } = this.options;
    return { playback: { sessionId: session.id, name: session.name, participant: session.participant, startedAt: session.startedAt, speed } };
  }

  raw(): RawView {
    return { deviceId: this.id, bytesReceived: 0, hex: '', lines: [] };
  }

  stats(): DeviceStats {
    return {
      deviceId: this.id,
      label: this.label,
      transport: 'playback',
      state: this.state,
      error: this.error,
      clockOffsetMs: 0,
      driftPpm: 0,
      decodeErrors: { crc: 0, cobs: 0, oversize: 0, malformed: 0 },
      streams: this.streams.map(
        (s): StreamStats => ({
          key: s.info.key,
          nominalRate: s.info.rate,
          measuredRate: s.rate.rate(),
          samples: s.samples,
          packets: s.chunks,
          packetsLost: s.gaps,
        }),
      ),
      playback: this.progress,
    };
  }

  /** Publishes everything recorded between the last position and the one host time has reached. */
  private tick(): void {
    const now = this.options.now();
    this.playStart ??= now;
    const target = Math.min(this.options.duration, (now - this.playStart) * this.options.speed);
    const ended = target >= this.options.duration;
    try {
      this.publish(this.position, ended ? Infinity : target);
    } catch (error) {
      // The library went away or broke: say so on the device card, keep what was played.
      this.error = `playback of session ${this.options.session.id} stopped: ${(error as Error).message}`;
      this.state = 'error';
      this.stopTimer();
      this.options.onChange?.();
      return;
    }
    this.position = target;
    if (ended) {
      this.state = 'finished';
      this.error = undefined;
      this.stopTimer();
      this.options.onChange?.();
    }
  }

  /** Chunks starting and events at [from, to) s from the session start, in time order. */
  private publish(from: number, to: number): void {
    const { library, bus, speed } = this.options;
    const a = this.origin + from;
    const b = this.origin + to;
    const items: { t: number; emit: () => void }[] = [];
    for (const s of this.streams) {
      for (const c of library.chunksStartingIn(s.stored.id, a, b)) {
        items.push({
          t: c.t0,
          emit: () => {
            bus.publish({ key: s.info.key, index: c.index, t0: this.played(c.t0), dt: c.dt / speed, n: c.n, data: c.data });
            s.samples += c.n;
            s.chunks++;
            s.rate.add(c.t0 - this.origin, c.n);
          },
        });
      }
    }
    const keys = new Map(this.streams.map((s) => [s.stored.key, s]));
    for (const e of library.eventsBetween(this.options.session.id, REPLAYED_EVENTS, a, b)) {
      const stream = e.key ? keys.get(e.key) : undefined;
      items.push({ t: e.t, emit: () => this.replayEvent(e, stream) });
    }
    // Stable: a chunk and an event at the same time keep the order they were read in.
    items.sort((x, y) => x.t - y.t);
    for (const item of items) item.emit();
  }

  private replayEvent(e: SessionEvent, stream: PlayedStream | undefined): void {
    const event: SessionEvent = { kind: e.kind, t: this.played(e.t), duration: e.duration / this.options.speed, text: e.text };
    if (stream) {
      event.key = stream.info.key;
      if (e.kind === 'gap') stream.gaps++;
    }
    this.options.bus.publishEvent(event);
  }

  /** The host time a recorded host time is played at. */
  private played(t: number): number {
    return this.playStart! + (t - this.origin) / this.options.speed;
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

/** How a session is named as a device. */
export function playbackLabel(session: { id: number; name: string }): string {
  return `Playback: ${session.name} (#${session.id})`;
}

import {
  FORMAT_BYTES,
  VbpDecoder,
  encodeData,
  encodeEvent,
  encodeHello,
  encodeSyncReply,
  type DeviceDescriptor,
  type StreamDescriptor,
} from '../../protocols/vbp';
import { DEFAULT_PHYSIOLOGY } from './signals';
import { Prng } from './signals/prng';
import { createSources, type SimulatorProfile, type SimulatorSignalOptions, type StreamSource } from './sources';

export interface SimulatorOptions extends SimulatorSignalOptions {
  profile: SimulatorProfile;
  /** Percentage of DATA packets the "radio" drops (0-100). */
  lossPct: number;
  /** Device clock error against true time, ppm (positive: the board's clock runs fast). */
  driftPpm: number;
  /** Device clock reading at power-up, s. The default makes the 32-bit µs clock wrap after ~95 s. */
  clockStartSeconds: number;
}

const { seed, hrBpm, spo2, noise, motionArtifacts, ecgBursts, respRateBpm } = DEFAULT_PHYSIOLOGY;

export const DEFAULT_SIMULATOR: SimulatorOptions = {
  profile: 'wearable',
  seed,
  hrBpm,
  spo2,
  noise,
  motionArtifacts,
  ecgBursts,
  respRateBpm,
  lossPct: 0,
  driftPpm: 0,
  clockStartSeconds: 4200,
};

interface StreamPlan {
  desc: StreamDescriptor;
  source: StreamSource;
  samplesPerPacket: number;
  /** Samples generated so far (sent or dropped). */
  produced: number;
  seq: number;
  values: Float64Array;
}

const BATTERY_EVENT_EVERY_S = 60;

/**
 * A virtual board that speaks VBP byte for byte like firmware would: HELLO at power-up and on
 * DESCRIBE, DATA with a drifting 32-bit microsecond clock and sequence numbers (with optional
 * packet loss), EVENTs, and SYNC replies. Time is passed in, so it runs in real time on a timer,
 * faster than real time in benchmarks, or stepwise in tests.
 */
export class SimulatedBoard {
  readonly options: SimulatorOptions;
  readonly descriptor: DeviceDescriptor;
  /** DATA packets dropped by the simulated loss, per stream id: the truth gap detection must match. */
  readonly dropped = new Map<number, number>();
  private readonly streams: StreamPlan[];
  private readonly commands = new VbpDecoder();
  private readonly lossRandom: Prng;
  private streaming = true;
  private queued: Uint8Array[] = [];
  private now = 0;
  private nextBatteryEvent = BATTERY_EVENT_EVERY_S;

  constructor(options: Partial<SimulatorOptions> = {}) {
    this.options = { ...DEFAULT_SIMULATOR, ...options };
    const { descriptor, sources } = createSources(this.options);
    this.descriptor = descriptor;
    this.streams = descriptor.streams.map((desc, i) => {
      // About 50 packets a second, as BLE-friendly firmware would send, within the 2048-byte limit.
      const fit = Math.floor(1800 / (desc.channels.length * FORMAT_BYTES[desc.format]));
      const samplesPerPacket = Math.max(1, Math.min(255, fit, Math.round(desc.rate / 50)));
      return { desc, source: sources[i], samplesPerPacket, produced: 0, seq: 0, values: new Float64Array(samplesPerPacket * desc.channels.length) };
    });
    this.lossRandom = new Prng(this.options.seed ^ 0x5eed);
    this.queued.push(encodeHello(descriptor));
  }

  /** Device clock in µs (u32) at true time t (s since power-up). */
  deviceMicros(t: number): number {
    const seconds = this.options.clockStartSeconds + t * (1 + this.options.driftPpm * 1e-6);
    return Math.round(seconds * 1e6) % 2 ** 32;
  }

  /** True time (s since power-up) of a stream's sample k: the board samples on its own clock. */
  sampleTime(rate: number, k: number): number {
    return k / rate / (1 + this.options.driftPpm * 1e-6);
  }

  /**
   * Host commands from the link. Replies go out with the next `advance`. `t` (true time, s since
   * power-up) is when they arrived: a SYNC_REPLY carries the device clock at that instant, as
   * firmware answering at once would; without it, the time of the last `advance`.
   */
  receive(bytes: Uint8Array, t?: number): void {
    if (t !== undefined) this.now = Math.max(this.now, t);
    for (const packet of this.commands.push(bytes)) {
      if (packet.type === 'start') this.streaming = true;
      else if (packet.type === 'stop') this.streaming = false;
      else if (packet.type === 'describe') this.queued.push(encodeHello(this.descriptor));
      else if (packet.type === 'syncRequest') this.queued.push(encodeSyncReply(packet.nonce, this.deviceMicros(this.now)));
    }
  }

  /** Everything the board sends up to true time t (s since power-up), as one byte block. */
  advance(t: number): Uint8Array {
    this.now = Math.max(this.now, t);
    const frames = this.queued;
    this.queued = [];
    for (const plan of this.streams) this.produce(plan, t, frames);
    if (t >= this.nextBatteryEvent) {
      const pct = Math.max(5, 100 - Math.floor(this.nextBatteryEvent / 60));
      frames.push(encodeEvent(this.deviceMicros(this.nextBatteryEvent), 2, `battery ${pct}%`));
      this.nextBatteryEvent += BATTERY_EVENT_EVERY_S;
    }
    return concat(frames);
  }

  private produce(plan: StreamPlan, t: number, frames: Uint8Array[]): void {
    const { desc, samplesPerPacket: n, values } = plan;
    const channels = desc.channels.length;
    const raw = new Float64Array(n * channels);
    // A packet leaves when its last sample has been taken.
    while (this.sampleTime(desc.rate, plan.produced + n - 1) <= t) {
      plan.source.fill(n, values);
      const first = plan.produced;
      plan.produced += n;
      if (!this.streaming) continue;
      const seq = plan.seq;
      plan.seq = (plan.seq + 1) & 0xffff;
      if (this.options.lossPct > 0 && this.lossRandom.next() * 100 < this.options.lossPct) {
        this.dropped.set(desc.id, (this.dropped.get(desc.id) ?? 0) + 1);
        continue;
      }
      for (let c = 0; c < channels; c++) {
        const { scale, offset } = desc.channels[c];
        for (let i = 0; i < n; i++) raw[i * channels + c] = (values[c * n + i] - offset) / scale;
      }
      const tDev = this.deviceMicros(this.sampleTime(desc.rate, first));
      frames.push(encodeData(desc.id, seq, tDev, desc.format, channels, raw));
    }
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

import type { DeviceStats, StreamInfo, StreamStats, TransportKind } from '../../shared/types';
import type { ByteTransport } from '../devices/transport';
import { PacketType, VbpDecoder, decodeSamples, encodeCommand, type DeviceDescriptor, type StreamDescriptor, type VbpPacket } from '../protocols/vbp';
import { ClockModel } from './clock-model';
import type { HostClock } from './host-clock';
import { RateMeter } from './rate-meter';
import type { StreamBus } from './stream-bus';

interface StreamState {
  desc: StreamDescriptor;
  info: StreamInfo;
  /** Sample index of the next packet's first sample, lost samples included. */
  index: number;
  nextSeq: number | null;
  /** Device time (s) the next packet's first sample should carry. */
  nextDev: number;
  samples: number;
  packets: number;
  packetsLost: number;
  rate: RateMeter;
}

type DataPacket = Extract<VbpPacket, { type: 'data' }>;

/** DATA held while waiting for the HELLO that describes it; beyond this the oldest is dropped. */
const MAX_HELD_PACKETS = 4096;

export interface VbpDeviceOptions {
  id: string;
  label: string;
  transport: TransportKind;
  pipe: ByteTransport;
  bus: StreamBus;
  now: HostClock;
}

/**
 * One board speaking VBP: decodes its bytes, places every sample on the host timeline through the
 * device's clock model, turns sequence jumps into gap events, and publishes chunks on the bus.
 */
export class VbpDevice {
  readonly id: string;
  private readonly decoder = new VbpDecoder();
  private readonly clock = new ClockModel();
  private readonly streams = new Map<number, StreamState>();
  private descriptor: DeviceDescriptor | null = null;
  private held: { packet: DataPacket; arrival: number }[] = [];
  private lastDescribeAt = -Infinity;
  /** Frames that passed CRC but not our checks: unknown stream id, sample bytes not matching n. */
  private rejected = 0;
  private state: DeviceStats['state'] = 'connecting';
  private error: string | undefined;

  constructor(private readonly options: VbpDeviceOptions) {
    this.id = options.id;
  }

  start(): void {
    const { pipe } = this.options;
    pipe.onData((bytes) => this.receive(bytes, this.options.now()));
    pipe.onClose((error) => {
      this.state = error ? 'error' : 'disconnected';
      this.error = error?.message;
    });
    this.describe(this.options.now());
    pipe.write(encodeCommand(PacketType.START));
  }

  async close(): Promise<void> {
    try {
      this.options.pipe.write(encodeCommand(PacketType.STOP));
    } catch {
      // The pipe may already be gone; closing must still succeed.
    }
    await this.options.pipe.close();
    this.state = 'disconnected';
    this.options.bus.setStreams(this.id, []);
  }

  /** Feeds raw bytes that arrived at host time `arrival` (s). Exposed for tests and replay. */
  receive(bytes: Uint8Array, arrival: number): void {
    for (const packet of this.decoder.push(bytes)) {
      switch (packet.type) {
        case 'hello':
          this.onHello(packet.descriptor);
          break;
        case 'data':
          if (!this.descriptor) this.hold(packet, arrival);
          else this.onData(packet, arrival);
          break;
        case 'event':
          this.onBoardEvent(packet.tDev, packet.code, packet.text, arrival);
          break;
        default:
          // SYNC replies and host commands echoed back carry nothing we use yet.
          break;
      }
    }
  }

  stats(): DeviceStats {
    const fit = this.clock.current();
    const d = this.descriptor?.device;
    const errors = this.decoder.errors;
    return {
      deviceId: this.id,
      label: this.options.label,
      transport: this.options.transport,
      state: this.state,
      error: this.error,
      descriptor: d && { name: d.name, model: d.model, firmware: d.firmware, serial: d.serial },
      clockOffsetMs: fit ? fit.offset * 1000 : 0,
      // The fit's slope is host seconds per device second; the device's own error is its inverse.
      driftPpm: fit ? (1 / (1 + fit.drift) - 1) * 1e6 : 0,
      decodeErrors: { ...errors, malformed: errors.malformed + this.rejected },
      streams: [...this.streams.values()].map(
        (s): StreamStats => ({
          key: s.info.key,
          nominalRate: s.desc.rate,
          measuredRate: s.rate.rate(),
          samples: s.samples,
          packets: s.packets,
          packetsLost: s.packetsLost,
        }),
      ),
    };
  }

  /** The board's HELLO descriptor as received (formats, scales), for the session's device record. */
  descriptorJson(): DeviceDescriptor | null {
    return this.descriptor;
  }

  private onHello(descriptor: DeviceDescriptor): void {
    if (this.descriptor && JSON.stringify(this.descriptor) === JSON.stringify(descriptor)) return;
    this.descriptor = descriptor;
    this.streams.clear();
    for (const desc of descriptor.streams) {
      const info: StreamInfo = {
        key: `${this.id}/${desc.name}`,
        deviceId: this.id,
        name: desc.name,
        kind: desc.kind as StreamInfo['kind'],
        rate: desc.rate,
        channels: desc.channels.map((c) => ({ label: c.label, unit: c.unit })),
      };
      this.streams.set(desc.id, {
        desc,
        info,
        index: 0,
        nextSeq: null,
        nextDev: 0,
        samples: 0,
        packets: 0,
        packetsLost: 0,
        rate: new RateMeter(),
      });
    }
    this.state = 'streaming';
    this.options.bus.setStreams(this.id, [...this.streams.values()].map((s) => s.info));
    const held = this.held;
    this.held = [];
    for (const { packet, arrival } of held) this.onData(packet, arrival);
  }

  private hold(packet: DataPacket, arrival: number): void {
    this.held.push({ packet, arrival });
    if (this.held.length > MAX_HELD_PACKETS) this.held.shift();
    this.describe(arrival);
  }

  /** Asks for HELLO, at most once a second. */
  private describe(now: number): void {
    if (now - this.lastDescribeAt < 1) return;
    this.lastDescribeAt = now;
    try {
      this.options.pipe.write(encodeCommand(PacketType.DESCRIBE));
    } catch {
      // One-way links cannot receive; the board will send HELLO on its own.
    }
  }

  private onData(packet: DataPacket, arrival: number): void {
    const s = this.streams.get(packet.streamId);
    const values = s && decodeSamples(s.desc, packet.n, packet.samples);
    if (!s || !values || s.desc.rate <= 0) {
      this.rejected++;
      return;
    }
    const rate = s.desc.rate;
    const dev = this.clock.unwrap(packet.tDev);
    // A packet leaves the board after its last sample: that is the instant its arrival bounds.
    this.clock.observe(dev + (packet.n - 1) / rate, arrival);
    if (s.nextSeq !== null) {
      const jump = (packet.seq - s.nextSeq) & 0xffff;
      if (jump >= 0x8000) {
        // A repeated or reordered packet: its samples are already placed (or lost) on the timeline.
        this.rejected++;
        return;
      }
      if (jump > 0) this.onLoss(s, jump, dev);
    }
    if (packet.n > 0) {
      const drift = this.clock.current()!.drift;
      this.options.bus.publish({ key: s.info.key, index: s.index, t0: this.clock.toHost(dev), dt: (1 + drift) / rate, n: packet.n, data: values });
    }
    s.index += packet.n;
    s.samples += packet.n;
    s.packets++;
    s.nextSeq = (packet.seq + 1) & 0xffff;
    s.nextDev = dev + packet.n / rate;
    s.rate.add(arrival, packet.n);
  }

  /** Records the stretch between the last packet we had and this one as a gap; never fills it. */
  private onLoss(s: StreamState, packets: number, dev: number): void {
    const rate = s.desc.rate;
    const lostSamples = Math.max(0, Math.round((dev - s.nextDev) * rate));
    s.packetsLost += packets;
    s.index += lostSamples;
    const drift = this.clock.current()!.drift;
    this.options.bus.publishEvent({
      kind: 'gap',
      key: s.info.key,
      t: this.clock.toHost(s.nextDev),
      duration: (lostSamples / rate) * (1 + drift),
      text: `${packets} packet${packets === 1 ? '' : 's'} lost (${lostSamples} samples)`,
    });
  }

  private onBoardEvent(tDev: number, code: number, text: string, arrival: number): void {
    const t = this.clock.current() ? this.clock.toHost(this.clock.unwrap(tDev)) : arrival;
    this.options.bus.publishEvent({ kind: 'device', t, duration: 0, text: `${this.options.label}: [${code}] ${text}` });
  }
}

import type { DeviceStats, StreamInfo, StreamStats, TransportKind } from '../../shared/types';
import type { ByteTransport } from '../devices/transport';
import { PacketType, VbpDecoder, decodeSamples, encodeCommand, encodeSyncRequest, type DeviceDescriptor, type StreamDescriptor, type VbpPacket } from '../protocols/vbp';
import { SyncedClock } from './synced-clock';
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
  /** Set after a reconnect: the next packet's sequence jump is the downtime, already one gap event. */
  resumed: boolean;
}

type DataPacket = Extract<VbpPacket, { type: 'data' }>;

/** DATA held while waiting for the HELLO that describes it; beyond this the oldest is dropped. */
const MAX_HELD_PACKETS = 4096;

export interface SyncOptions {
  /** Seconds between SYNC rounds (host clock). */
  intervalSeconds: number;
  /** SYNC_REQUESTs per round; the lowest round trip of each is what the clock model keeps. */
  burst: number;
}

export const DEFAULT_SYNC: SyncOptions = { intervalSeconds: 1, burst: 3 };
/** A board that has not answered this many requests is taken to be one-way: ask far less often. */
const UNANSWERED_LIMIT = 12;
const ONE_WAY_INTERVAL_S = 30;
/** Requests older than this are forgotten (their replies would be useless anyway). */
const SYNC_EXPIRY_S = 5;

export interface VbpDeviceOptions {
  id: string;
  label: string;
  transport: TransportKind;
  pipe: Pick<ByteTransport, 'write'> & Partial<ByteTransport>;
  bus: StreamBus;
  now: HostClock;
  /** SYNC round trips for the clock model (default off: arrival times only, as for a one-way link). */
  sync?: Partial<SyncOptions> | false;
}

/**
 * One board speaking VBP: decodes its bytes, places every sample on the host timeline through the
 * device's clock model, turns sequence jumps into gap events, and publishes chunks on the bus.
 */
export class VbpDevice {
  readonly id: string;
  private readonly decoder = new VbpDecoder();
  private clock = new SyncedClock();
  /** Restarts of the board's clock seen (a reboot after a reconnect): stored with each chunk. */
  private clockEpoch = 0;
  private readonly sync: SyncOptions | null;
  private readonly pendingSync = new Map<number, number>();
  private nextNonce = 1;
  private lastSyncAt = -Infinity;
  private syncSent = 0;
  /** Set after a reconnect: the first packet checks whether the board kept its clock (or rebooted). */
  private checkClock = false;
  private lastArrival = 0;
  private readonly streams = new Map<number, StreamState>();
  private descriptor: DeviceDescriptor | null = null;
  private held: { packet: DataPacket; arrival: number }[] = [];
  private lastDescribeAt = -Infinity;
  /** Frames that passed CRC but not our checks: unknown stream id, sample bytes not matching n. */
  private rejected = 0;
  private state: DeviceStats['state'] = 'connecting';
  private error: string | undefined;
  /** Why the board's latest HELLO was rejected; cleared by a valid one. */
  private helloError: string | undefined;

  constructor(private readonly options: VbpDeviceOptions) {
    this.id = options.id;
    this.sync = options.sync ? { ...DEFAULT_SYNC, ...options.sync } : null;
  }

  /** Wires the pipe's bytes and close to this device, then asks the board for HELLO and data. */
  start(): void {
    const { pipe } = this.options;
    pipe.onData?.((bytes) => this.receive(bytes, this.options.now()));
    pipe.onClose?.((error) => {
      this.state = error ? 'error' : 'disconnected';
      this.error = error?.message;
    });
    this.begin();
  }

  /** Asks the board for HELLO and START, for a caller that feeds `receive` itself. */
  begin(): void {
    this.describe(this.options.now(), true);
    this.send(encodeCommand(PacketType.START));
  }

  async close(): Promise<void> {
    this.send(encodeCommand(PacketType.STOP));
    await this.options.pipe.close?.();
    this.state = 'disconnected';
    this.options.bus.setStreams(this.id, []);
  }

  /** Stops the board (STOP) and forgets its streams, leaving the pipe to its owner. */
  detach(): void {
    this.send(encodeCommand(PacketType.STOP));
    this.state = 'disconnected';
    this.options.bus.setStreams(this.id, []);
  }

  /**
   * The link was lost at host time `lostAt` and reopened at `restoredAt`: records one gap event for
   * the downtime, drops any half-received frame, and asks the (possibly rebooted) board for HELLO
   * and data again. Packets the board sent meanwhile count as lost without further gap events.
   */
  linkRestored(lostAt: number, restoredAt: number, attempts: number): void {
    this.decoder.reset();
    this.pendingSync.clear();
    for (const s of this.streams.values()) s.resumed = true;
    this.checkClock = true;
    this.options.bus.publishEvent({
      kind: 'gap',
      t: lostAt,
      duration: Math.max(0, restoredAt - lostAt),
      text: `${this.options.label}: link lost for ${(restoredAt - lostAt).toFixed(1)} s, reconnected after ${attempts} attempt${attempts === 1 ? '' : 's'}`,
    });
    this.lastSyncAt = -Infinity;
    this.describe(restoredAt, true);
    this.send(encodeCommand(PacketType.START));
  }

  /** Feeds raw bytes that arrived at host time `arrival` (s). Exposed for tests and replay. */
  receive(bytes: Uint8Array, arrival: number): void {
    for (const packet of this.decoder.push(bytes)) {
      switch (packet.type) {
        case 'hello':
          this.onHello(packet.descriptor);
          break;
        case 'badHello':
          this.onBadHello(packet.error);
          break;
        case 'data':
          if (!this.descriptor) this.hold(packet, arrival);
          else this.onData(packet, arrival);
          break;
        case 'event':
          this.onBoardEvent(packet.tDev, packet.code, packet.text, arrival);
          break;
        case 'syncReply':
          this.onSyncReply(packet.nonce, packet.tDev, arrival);
          break;
        default:
          // Host commands echoed back (a loopback cable) carry nothing for us.
          break;
      }
    }
    this.lastArrival = arrival;
    this.maybeSync();
  }

  /** Decoder and clock figures beyond `stats()`, for the connection's status. */
  clockStats(): { rttMs?: number; syncReplies: number } {
    return { rttMs: this.clock.rttMs(), syncReplies: this.clock.syncReplies };
  }

  private send(bytes: Uint8Array): void {
    try {
      this.options.pipe.write(bytes);
    } catch {
      // A one-way link, or one that is gone: the board streams on its own, or the owner reconnects.
    }
  }

  /** Sends a burst of SYNC_REQUESTs once per interval of host time, after HELLO. */
  private maybeSync(): void {
    if (!this.sync || !this.descriptor) return;
    const now = this.options.now();
    const oneWay = this.syncSent >= UNANSWERED_LIMIT && this.clock.syncReplies === 0;
    const interval = oneWay ? ONE_WAY_INTERVAL_S : this.sync.intervalSeconds;
    if (now - this.lastSyncAt < interval) return;
    this.lastSyncAt = now;
    for (const [nonce, sent] of this.pendingSync) if (now - sent > SYNC_EXPIRY_S) this.pendingSync.delete(nonce);
    for (let i = 0; i < this.sync.burst; i++) {
      const nonce = this.nextNonce;
      this.nextNonce = (this.nextNonce + 1) >>> 0 || 1;
      this.pendingSync.set(nonce, this.options.now());
      this.syncSent++;
      this.send(encodeSyncRequest(nonce));
    }
  }

  private onSyncReply(nonce: number, tDev: number, arrival: number): void {
    const sent = this.pendingSync.get(nonce);
    if (sent === undefined) return;
    this.pendingSync.delete(nonce);
    this.clock.observeSync(this.clock.unwrap(tDev), sent, arrival);
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
      error: this.error ?? this.helloError,
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
    if (this.descriptor && JSON.stringify(this.descriptor) === JSON.stringify(descriptor)) {
      this.state = 'streaming';
      return;
    }
    this.helloError = undefined;
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
        resumed: false,
      });
    }
    this.state = 'streaming';
    this.options.bus.setStreams(this.id, [...this.streams.values()].map((s) => s.info));
    const held = this.held;
    this.held = [];
    for (const { packet, arrival } of held) this.onData(packet, arrival);
  }

  /**
   * A HELLO we cannot accept: its streams are not published (and any from an earlier HELLO are
   * withdrawn, as the board now describes itself otherwise); DATA is held for the next valid one.
   */
  private onBadHello(error: string): void {
    this.helloError = error;
    this.state = 'error';
    if (this.descriptor) {
      this.descriptor = null;
      this.streams.clear();
      this.options.bus.setStreams(this.id, []);
    }
  }

  private hold(packet: DataPacket, arrival: number): void {
    this.held.push({ packet, arrival });
    if (this.held.length > MAX_HELD_PACKETS) {
      this.held.shift();
      this.rejected++;
    }
    this.describe(arrival);
  }

  /** Asks for HELLO, at most once a second (one-way links cannot receive; the board sends HELLO on its own). */
  private describe(now: number, force = false): void {
    if (!force && now - this.lastDescribeAt < 1) return;
    this.lastDescribeAt = now;
    this.send(encodeCommand(PacketType.DESCRIBE));
  }

  private onData(packet: DataPacket, arrival: number): void {
    const s = this.streams.get(packet.streamId);
    const values = s && decodeSamples(s.desc, packet.n, packet.samples);
    if (!s || !values || s.desc.rate <= 0) {
      this.rejected++;
      return;
    }
    const rate = s.desc.rate;
    if (this.checkClock) this.checkClockAfterReconnect(packet.tDev, (packet.n - 1) / rate, arrival);
    const dev = this.clock.unwrap(packet.tDev);
    // A packet leaves the board after its last sample: that is the instant its arrival bounds.
    const obsDev = dev + (packet.n - 1) / rate;
    this.clock.observe(obsDev, arrival);
    if (s.nextSeq !== null) {
      const jump = (packet.seq - s.nextSeq) & 0xffff;
      if (jump >= 0x8000) {
        // A repeated or reordered packet: its samples are already placed (or lost) on the timeline.
        this.rejected++;
        return;
      }
      if (jump > 0) this.onLoss(s, jump, dev, !s.resumed);
    }
    s.resumed = false;
    if (packet.n > 0) {
      const { offset, drift } = this.clock.current()!;
      const clock = { dev0: dev, epoch: this.clockEpoch, obsDev, arrival, offset, drift };
      this.options.bus.publish({ key: s.info.key, index: s.index, t0: this.clock.toHost(dev), dt: (1 + drift) / rate, n: packet.n, data: values, clock });
    }
    s.index += packet.n;
    s.samples += packet.n;
    s.packets++;
    s.nextSeq = (packet.seq + 1) & 0xffff;
    s.nextDev = dev + packet.n / rate;
    s.rate.add(arrival, packet.n);
  }

  /** Records the stretch between the last packet we had and this one as a gap; never fills it. */
  private onLoss(s: StreamState, packets: number, dev: number, announce = true): void {
    const rate = s.desc.rate;
    const lostSamples = Math.max(0, Math.round((dev - s.nextDev) * rate));
    s.packetsLost += packets;
    s.index += lostSamples;
    if (!announce) return;
    const drift = this.clock.current()!.drift;
    this.options.bus.publishEvent({
      kind: 'gap',
      key: s.info.key,
      t: this.clock.toHost(s.nextDev),
      duration: (lostSamples / rate) * (1 + drift),
      text: `${packets} packet${packets === 1 ? '' : 's'} lost (${lostSamples} samples)`,
      lost: lostSamples,
    });
  }

  /**
   * First packet after a reconnect: if the board's clock no longer fits the model (it rebooted, so
   * its clock and sequence numbers restarted), start a fresh clock model and sequence tracking, and
   * move each stream's sample index on by the downtime.
   */
  private checkClockAfterReconnect(tDev: number, lastSampleOffset: number, arrival: number): void {
    this.checkClock = false;
    // Compared without unwrapping, so a rebooted clock does not disturb the model's unwrap state.
    const predicted = this.predictArrival(tDev, lastSampleOffset);
    if (predicted !== null && Math.abs(predicted - arrival) < 2) return;
    this.clock = new SyncedClock();
    this.clockEpoch++;
    for (const s of this.streams.values()) {
      s.index += Math.max(0, Math.round((arrival - this.lastArrival) * s.desc.rate));
      s.nextSeq = null;
      s.resumed = false;
    }
  }

  private predictArrival(tDev: number, lastSampleOffset: number): number | null {
    const fit = this.clock.current();
    const last = this.lastDevSeen();
    if (!fit || last === null) return null;
    let diff = tDev - (Math.round(last * 1e6) % 2 ** 32);
    if (diff > 2 ** 31) diff -= 2 ** 32;
    else if (diff < -(2 ** 31)) diff += 2 ** 32;
    const dev = last + diff / 1e6 + lastSampleOffset;
    return dev + fit.offset + fit.drift * dev;
  }

  private lastDevSeen(): number | null {
    let last: number | null = null;
    for (const s of this.streams.values()) if (s.nextSeq !== null && (last === null || s.nextDev > last)) last = s.nextDev;
    return last;
  }

  private onBoardEvent(tDev: number, code: number, text: string, arrival: number): void {
    const t = this.clock.current() ? this.clock.toHost(this.clock.unwrap(tDev)) : arrival;
    this.options.bus.publishEvent({ kind: 'device', t, duration: 0, text: `${this.options.label}: [${code}] ${text}` });
  }
}

import type { DeviceStats, StreamInfo, StreamStats, TransportKind } from '../../shared/types';
import { CYTON_CHANNELS, CYTON_RATE, CYTON_START, CYTON_STOP, CytonDecoder, type CytonPacket } from '../protocols/openbci-cyton';
import { ClockModel } from './clock-model';
import type { HostClock } from './host-clock';
import { RateMeter } from './rate-meter';
import type { StreamBus } from './stream-bus';

export interface CytonDeviceOptions {
  id: string;
  label: string;
  transport: TransportKind;
  bus: StreamBus;
  now: HostClock;
  pipe: { write(bytes: Uint8Array): void };
  /** PGA gain of the channels as configured on the board (default 24, the board's default). */
  gain?: number;
}

/** The Cyton sends fresh accelerometer values in one packet of ten. */
const ACCEL_RATE = 25;

interface Lane {
  info: StreamInfo;
  /** Index of the next sample, lost ones included. */
  index: number;
  samples: number;
  meter: RateMeter;
}

/**
 * An OpenBCI Cyton on its USB dongle: `b` starts it, `s` stops it. Sample k of the board (counted
 * through the wrapping sample number) sits at device time k / 250 s, which the clock model fits to
 * arrival times (the board has no clock of its own on the wire); skips of the sample number are
 * gap events with their lost count. The accelerometer, present in some packets only, is its own
 * stream placed at the time of the packet that carried it.
 */
export class CytonDevice {
  readonly id: string;
  private readonly decoder: CytonDecoder;
  private readonly clock = new ClockModel();
  private eeg: Lane | null = null;
  private accel: Lane | null = null;
  private packetsLost = 0;
  private lastArrival = 0;
  private state: DeviceStats['state'] = 'connecting';

  constructor(private readonly options: CytonDeviceOptions) {
    this.id = options.id;
    this.decoder = new CytonDecoder({ gain: options.gain });
  }

  /** Asks the board to stream. */
  begin(): void {
    this.send(CYTON_START);
  }

  /** Stops the board and withdraws its streams, leaving the pipe to its owner. */
  detach(): void {
    this.send(CYTON_STOP);
    this.state = 'disconnected';
    this.options.bus.setStreams(this.id, []);
  }

  /** The link came back: one gap event for the downtime, the sample count moves on by it, and the board is started again. */
  linkRestored(lostAt: number, restoredAt: number, attempts: number): void {
    this.decoder.reset();
    const lost = Math.max(0, Math.round((restoredAt - this.lastArrival) * CYTON_RATE));
    this.options.bus.publishEvent({
      kind: 'gap',
      t: lostAt,
      duration: Math.max(0, restoredAt - lostAt),
      text: `${this.options.label}: link lost for ${(restoredAt - lostAt).toFixed(1)} s, reconnected after ${attempts} attempt${attempts === 1 ? '' : 's'}`,
      lost,
    });
    if (this.eeg) this.eeg.index += lost;
    this.begin();
  }

  receive(bytes: Uint8Array, arrival: number): void {
    this.lastArrival = arrival;
    const packets = this.decoder.push(bytes);
    if (packets.length === 0) return;
    if (!this.eeg) this.announce();
    let run: CytonPacket[] = [];
    for (const p of packets) {
      if (p.lost > 0) {
        this.flush(run, arrival);
        run = [];
        this.onLoss(p.lost);
      }
      run.push(p);
    }
    this.flush(run, arrival);
  }

  stats(): DeviceStats {
    const fit = this.clock.current();
    const lane = (l: Lane, nominalRate: number, packetsLost: number): StreamStats => ({
      key: l.info.key,
      nominalRate,
      measuredRate: l.meter.rate(),
      samples: l.samples,
      packets: l.samples,
      packetsLost,
    });
    return {
      deviceId: this.id,
      label: this.options.label,
      transport: this.options.transport,
      state: this.state,
      protocol: 'openbci-cyton',
      descriptor: { name: 'OpenBCI Cyton', model: `8 channels, gain ${this.options.gain ?? 24}` },
      clockOffsetMs: fit ? fit.offset * 1000 : 0,
      driftPpm: fit ? (1 / (1 + fit.drift) - 1) * 1e6 : 0,
      // Bytes that did not frame as packets are the Cyton's only kind of decode error.
      decodeErrors: { crc: 0, cobs: 0, oversize: 0, malformed: this.decoder.errors.framing },
      streams: this.eeg && this.accel ? [lane(this.eeg, CYTON_RATE, this.packetsLost), lane(this.accel, ACCEL_RATE, 0)] : [],
    };
  }

  private announce(): void {
    const info = (name: string, kind: StreamInfo['kind'], rate: number, channels: StreamInfo['channels']): StreamInfo => ({
      key: `${this.id}/${name}`,
      deviceId: this.id,
      name,
      kind,
      rate,
      channels,
    });
    const eeg = info('eeg', 'eeg', CYTON_RATE, Array.from({ length: CYTON_CHANNELS }, (_, c) => ({ label: `ch${c + 1}`, unit: 'µV' })));
    const accel = info('accel', 'imu', ACCEL_RATE, ['x', 'y', 'z'].map((label) => ({ label, unit: 'g' })));
    this.eeg = { info: eeg, index: 0, samples: 0, meter: new RateMeter() };
    this.accel = { info: accel, index: 0, samples: 0, meter: new RateMeter() };
    this.state = 'streaming';
    this.options.bus.setStreams(this.id, [eeg, accel]);
  }

  /** Publishes consecutive packets as one EEG chunk, and each accelerometer reading among them. */
  private flush(run: CytonPacket[], arrival: number): void {
    const eeg = this.eeg!;
    const n = run.length;
    if (n === 0) return;
    // The packets arrived together; the last one left the board last, so it bounds the offset best.
    const obsDev = (eeg.index + n - 1) / CYTON_RATE;
    this.clock.observe(obsDev, arrival);
    const { offset, drift } = this.clock.current()!;
    const dev0 = eeg.index / CYTON_RATE;
    const data = new Float64Array(n * CYTON_CHANNELS);
    for (let i = 0; i < n; i++) for (let c = 0; c < CYTON_CHANNELS; c++) data[c * n + i] = run[i].eeg[c];
    const clock = { dev0, epoch: 0, obsDev, arrival, offset, drift };
    this.options.bus.publish({ key: eeg.info.key, index: eeg.index, t0: this.clock.toHost(dev0), dt: (1 + drift) / CYTON_RATE, n, data, clock });
    for (let i = 0; i < n; i++) if (run[i].accel) this.publishAccel(run[i].accel!, (eeg.index + i) / CYTON_RATE, obsDev, arrival);
    eeg.index += n;
    eeg.samples += n;
    eeg.meter.add(arrival, n);
  }

  private publishAccel(xyz: [number, number, number], dev: number, obsDev: number, arrival: number): void {
    const accel = this.accel!;
    // Its index follows device time at the nominal 25 Hz, and never goes back.
    const index = Math.max(accel.index, Math.round(dev * ACCEL_RATE));
    const { offset, drift } = this.clock.current()!;
    const clock = { dev0: dev, epoch: 0, obsDev, arrival, offset, drift };
    this.options.bus.publish({ key: accel.info.key, index, t0: this.clock.toHost(dev), dt: (1 + drift) / ACCEL_RATE, n: 1, data: Float64Array.from(xyz), clock });
    accel.index = index + 1;
    accel.samples++;
    accel.meter.add(arrival, 1);
  }

  /** Samples the board numbered but we never received: a gap event, never filled. */
  private onLoss(lost: number): void {
    const eeg = this.eeg!;
    this.packetsLost += lost;
    const start = eeg.index / CYTON_RATE;
    const fit = this.clock.current();
    this.options.bus.publishEvent({
      kind: 'gap',
      key: eeg.info.key,
      t: fit ? this.clock.toHost(start) : this.lastArrival,
      duration: (lost / CYTON_RATE) * (1 + (fit?.drift ?? 0)),
      text: `${lost} sample${lost === 1 ? '' : 's'} lost (sample number skipped)`,
      lost,
    });
    eeg.index += lost;
  }

  private send(byte: number): void {
    try {
      this.options.pipe.write(Uint8Array.of(byte));
    } catch {
      // A link being reopened: the reconnect sends `b` again.
    }
  }
}

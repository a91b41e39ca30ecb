import type { DeviceStats, StreamInfo, StreamStats } from '../../shared/types';
import { decodeHeartRateMeasurement, type SensorContact } from '../protocols/heart-rate-service';
import type { HostClock } from './host-clock';
import { RateMeter } from './rate-meter';
import type { StreamBus } from './stream-bus';

export interface HrsDeviceOptions {
  id: string;
  label: string;
  bus: StreamBus;
  now: HostClock;
}

interface Series {
  info: StreamInfo;
  index: number;
  meter: RateMeter;
  last: number;
}

/**
 * A Heart Rate Service sensor's measurements as two irregular streams: `hr` (bpm, one sample per
 * notification, at its arrival) and `rr` (ms, one sample per interval). HRS carries no device
 * time, so a notification's intervals are placed by their cumulative sum ending at its arrival,
 * never earlier than the interval before them.
 */
export class HrsDevice {
  private readonly hr: Series;
  private readonly rr: Series;
  private contactState: SensorContact | undefined;
  private malformed = 0;
  private lastError: string | undefined;

  constructor(private readonly options: HrsDeviceOptions) {
    const stream = (name: string, label: string, unit: string): Series => ({
      info: { key: `${options.id}/${name}`, deviceId: options.id, name, kind: 'other', rate: 0, channels: [{ label, unit }] },
      index: 0,
      meter: new RateMeter(),
      last: -Infinity,
    });
    this.hr = stream('hr', 'HR', 'bpm');
    this.rr = stream('rr', 'RR', 'ms');
    options.bus.setStreams(this.owner, [this.hr.info, this.rr.info]);
  }

  /** HRS streams share the device id with any other driver's: they are published under their own owner. */
  private get owner(): string {
    return `${this.options.id}:hrs`;
  }

  get contact(): SensorContact | undefined {
    return this.contactState;
  }

  /** One 0x2A37 value that arrived at host time `arrival`; a malformed one is counted and its error kept. */
  receive(value: Uint8Array, arrival: number): void {
    let m;
    try {
      m = decodeHeartRateMeasurement(value);
    } catch (error) {
      this.malformed++;
      this.lastError = (error as Error).message;
      return;
    }
    if (this.contactState !== undefined && m.contact !== this.contactState && m.contact !== 'unsupported') {
      this.options.bus.publishEvent({ kind: 'device', t: arrival, duration: 0, text: `${this.options.label}: sensor contact ${m.contact}`, key: this.hr.info.key });
    }
    this.contactState = m.contact;
    this.emit(this.hr, [arrival], [m.bpm]);
    let end = arrival;
    const times = m.rrMs.map(() => 0);
    for (let i = m.rrMs.length - 1; i >= 0; i--) {
      times[i] = end;
      end -= m.rrMs[i] / 1000;
    }
    this.emit(this.rr, times, m.rrMs);
  }

  linkRestored(lostAt: number, restoredAt: number, attempts: number): void {
    this.options.bus.publishEvent({
      kind: 'gap',
      t: lostAt,
      duration: Math.max(0, restoredAt - lostAt),
      text: `${this.options.label}: link lost for ${(restoredAt - lostAt).toFixed(1)} s, reconnected after ${attempts} attempt${attempts === 1 ? '' : 's'}`,
    });
  }

  detach(): void {
    this.options.bus.setStreams(this.owner, []);
  }

  stats(): Pick<DeviceStats, 'streams' | 'decodeErrors' | 'error'> {
    const one = (s: Series): StreamStats => ({ key: s.info.key, nominalRate: 0, measuredRate: s.meter.rate(), samples: s.index, packets: s.index, packetsLost: 0 });
    return {
      streams: [one(this.hr), one(this.rr)],
      decodeErrors: { crc: 0, cobs: 0, oversize: 0, malformed: this.malformed },
      ...(this.lastError ? { error: this.lastError } : {}),
    };
  }

  private emit(s: Series, times: number[], values: number[]): void {
    for (let i = 0; i < times.length; i++) {
      // An interval never lands before the one already published (a notification sent late after one sent early).
      const t = Math.max(times[i], s.last + 1e-3);
      s.last = t;
      this.options.bus.publish({ key: s.info.key, index: s.index++, t0: t, dt: 0, n: 1, data: Float64Array.of(values[i]) });
      s.meter.add(t, 1);
    }
  }
}

import type { DeviceStats, StreamInfo, TransportKind } from '../../shared/types';
import { TextLineDecoder } from '../protocols/text-lines';
import { ClockModel } from './clock-model';
import type { HostClock } from './host-clock';
import { RateMeter } from './rate-meter';
import type { StreamBus } from './stream-bus';

export interface TextDeviceOptions {
  id: string;
  label: string;
  transport: TransportKind;
  bus: StreamBus;
  now: HostClock;
  /** Sample rate in Hz given by the user; estimated from arrival times when absent. */
  rate?: number;
  /** Seconds of lines to collect before estimating the rate (default 2). */
  estimateSeconds?: number;
}

/** Rates boards commonly print at: an estimate within 3% of one of these snaps to it. */
const COMMON_RATES = [1, 2, 5, 10, 20, 25, 30, 40, 50, 60, 100, 120, 125, 128, 200, 250, 256, 300, 400, 500, 512, 1000, 2000];
const STREAM_NAME = 'text';
/** Recent parse errors kept for the raw view. */
const KEEP_ERRORS = 20;

/**
 * A board that prints text lines (Arduino serial-plotter style). The host stamps arrival times;
 * sample k sits at "device time" k / rate and the clock model fits that to arrival times, so a
 * rate that is slightly off (a board's crystal, an estimate) becomes drift and is corrected.
 */
export class TextDevice {
  readonly id: string;
  private readonly decoder = new TextLineDecoder();
  private clock = new ClockModel();
  private readonly meter = new RateMeter();
  private rate: number | null;
  private info: StreamInfo | null = null;
  /** Samples held (with arrival times) until the rate is known. */
  private held: { values: number[]; arrival: number }[] = [];
  private index = 0;
  private samples = 0;
  private lastArrival = 0;
  readonly recentErrors: string[] = [];
  private state: DeviceStats['state'] = 'connecting';

  constructor(private readonly options: TextDeviceOptions) {
    this.id = options.id;
    this.rate = options.rate ?? null;
  }

  receive(bytes: Uint8Array, arrival: number): void {
    const batch: { values: number[]; arrival: number }[] = [];
    for (const record of this.decoder.push(bytes)) {
      if (record.kind === 'sample') batch.push({ values: record.values, arrival });
      else if (record.kind === 'error') {
        this.recentErrors.push(`${record.reason}: ${record.line}`);
        if (this.recentErrors.length > KEEP_ERRORS) this.recentErrors.shift();
      }
    }
    this.lastArrival = arrival;
    if (batch.length === 0) return;
    if (this.rate === null) {
      this.held.push(...batch);
      const span = this.held[this.held.length - 1].arrival - this.held[0].arrival;
      if (span < (this.options.estimateSeconds ?? 2) || this.held.length < 10) return;
      this.rate = estimateRate(this.held.map((h) => h.arrival));
      batch.splice(0, batch.length, ...this.held);
      this.held = [];
    }
    this.publish(batch);
  }

  /** The link came back after `lostAt`..`restoredAt`: a gap event, and the sample clock moves on by the downtime. */
  linkRestored(lostAt: number, restoredAt: number, attempts: number): void {
    const lost = this.rate ? Math.max(0, Math.round((restoredAt - this.lastArrival) * this.rate)) : undefined;
    this.options.bus.publishEvent({
      kind: 'gap',
      t: lostAt,
      duration: Math.max(0, restoredAt - lostAt),
      text: `${this.options.label}: link lost for ${(restoredAt - lostAt).toFixed(1)} s, reconnected after ${attempts} attempt${attempts === 1 ? '' : 's'}`,
      ...(lost !== undefined ? { lost } : {}),
    });
    this.index += lost ?? 0;
  }

  detach(): void {
    this.state = 'disconnected';
    this.options.bus.setStreams(this.id, []);
  }

  get parseErrors(): number {
    return this.decoder.parseErrors;
  }

  stats(): DeviceStats {
    const fit = this.clock.current();
    return {
      deviceId: this.id,
      label: this.options.label,
      transport: this.options.transport,
      state: this.state,
      protocol: 'text',
      clockOffsetMs: fit ? fit.offset * 1000 : 0,
      driftPpm: fit ? (1 / (1 + fit.drift) - 1) * 1e6 : 0,
      decodeErrors: { crc: 0, cobs: 0, oversize: 0, malformed: 0 },
      parseErrors: this.decoder.parseErrors,
      streams: this.info
        ? [{ key: this.info.key, nominalRate: this.rate ?? 0, measuredRate: this.meter.rate(), samples: this.samples, packets: this.samples, packetsLost: 0 }]
        : [],
    };
  }

  private publish(batch: { values: number[]; arrival: number }[]): void {
    const rate = this.rate!;
    const labels = this.decoder.labels ?? batch[0].values.map((_, i) => `ch${i + 1}`);
    if (!this.info) {
      this.info = {
        key: `${this.id}/${STREAM_NAME}`,
        deviceId: this.id,
        name: STREAM_NAME,
        kind: 'other',
        rate,
        channels: labels.map((label) => ({ label, unit: '' })),
      };
      this.state = 'streaming';
      this.options.bus.setStreams(this.id, [this.info]);
    }
    const channels = this.info.channels.length;
    const n = batch.length;
    const data = new Float64Array(n * channels);
    // The line with the lowest arrival - "device time" is the pairing stored for re-timing.
    let obsDev = 0;
    let arrivalOfObs = Infinity;
    for (let i = 0; i < n; i++) {
      const { values, arrival } = batch[i];
      for (let c = 0; c < channels; c++) data[c * n + i] = values[c];
      const lineDev = (this.index + i) / rate;
      this.clock.observe(lineDev, arrival);
      if (arrival - lineDev < arrivalOfObs - obsDev) [obsDev, arrivalOfObs] = [lineDev, arrival];
    }
    const fit = this.clock.current()!;
    const dev = this.index / rate;
    const clock = { dev0: dev, epoch: 0, obsDev, arrival: arrivalOfObs, offset: fit.offset, drift: fit.drift };
    this.options.bus.publish({ key: this.info.key, index: this.index, t0: dev + fit.offset + fit.drift * dev, dt: (1 + fit.drift) / rate, n, data, clock });
    this.index += n;
    this.samples += n;
    this.meter.add(batch[n - 1].arrival, n);
  }
}

/**
 * Lines per second from their arrival times, snapped to a common rate when within 3%. Lines only
 * ever arrive late (queued before the port opened, USB packets, a busy host), so as the clock
 * model does, the rate comes from the lower envelope of arrival against line number, not from a
 * count over the span, which a backlog or a stall at either end skews.
 */
export function estimateRate(arrivals: readonly number[]): number {
  const rough = (arrivals.length - 1) / (arrivals[arrivals.length - 1] - arrivals[0]);
  const envelope = new ClockModel({ binSeconds: 0.1 });
  arrivals.forEach((t, k) => envelope.observe(k / rough, t));
  const raw = rough / (1 + envelope.current()!.drift);
  const near = COMMON_RATES.find((r) => Math.abs(raw / r - 1) < 0.03);
  return near ?? Number(raw.toPrecision(3));
}

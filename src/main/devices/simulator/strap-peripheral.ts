import type { VirtualTime } from '../../acquisition/virtual-time';
import { encodeHeartRateMeasurement } from '../../protocols/heart-rate-service';
import type { GattService } from '../ble/gatt';
import { LocalPeripheral } from '../ble/local-peripheral';
import { GATT } from '../ble/uuids';
import { createHeart, deriveSeed, Prng, type BeatRhythm, type PhysiologyOptions } from './signals';

export const STRAP_ID = 'sim:strap';

export interface StrapOptions extends Pick<PhysiologyOptions, 'seed' | 'hrBpm' | 'respRateBpm'> {
  /** Host time of the heart's t = 0: the simulated board's power-up, so both see the same beats. */
  heartOrigin: number;
  /** The strap's clock against true time, ppm. */
  driftPpm?: number;
}

const DEFAULT_DRIFT_PPM = 35;
const BATTERY_PCT = 92;

/**
 * A simulated chest strap that shares the simulated board's heart (same seed, same beat times as
 * its ECG) and reports it as a Heart Rate Service strap does: about once a second of its own
 * clock (its own phase, a little drift, a few ms of radio latency), the RR intervals that ended
 * since the last notification in 1/1024 s, and HR as their mean.
 */
export class SimulatedStrap extends LocalPeripheral {
  protected readonly services: GattService[] = [
    { uuid: GATT.heartRateService, characteristics: [{ uuid: GATT.heartRateMeasurement, properties: ['notify'] }] },
    { uuid: GATT.batteryService, characteristics: [{ uuid: GATT.batteryLevel, properties: ['read'] }] },
  ];
  protected readonly values = { [GATT.batteryLevel]: Uint8Array.of(BATTERY_PCT) };
  private readonly heart: BeatRhythm;
  private readonly random: Prng;
  private readonly rate: number;
  /** The strap clock's phase: its notifications fall at true times (phase + k) / rate. */
  private readonly phase: number;
  private notification = 0;
  private beat = 0;
  private bpm = 0;
  /** Radio latency of the next notification, s. */
  private latency = 0;

  constructor(
    private readonly options: StrapOptions,
    now: () => number,
    steps?: VirtualTime,
  ) {
    super(STRAP_ID, 'Simulated chest strap', now, steps);
    this.heart = createHeart(options);
    this.random = new Prng(deriveSeed(options.seed, 7));
    this.rate = 1 + (options.driftPpm ?? DEFAULT_DRIFT_PPM) * 1e-6;
    this.phase = this.random.next();
  }

  protected started(now: number): void {
    const t = now - this.options.heartOrigin;
    this.notification = Math.max(0, Math.ceil(t * this.rate - this.phase));
    while (this.heart.beatTime(this.beat) <= t) this.beat++;
    this.bpm = this.options.hrBpm;
  }

  protected tick(now: number): void {
    const t = now - this.options.heartOrigin;
    for (;;) {
      const at = (this.phase + this.notification) / this.rate;
      if (at + this.latency > t) return;
      this.notification++;
      // A few ms from the strap to the host, as over a BLE connection interval.
      this.latency = 0.005 + 0.02 * this.random.next();
      const rrMs: number[] = [];
      for (; this.heart.beatTime(this.beat) <= at; this.beat++) {
        if (this.beat > 0) rrMs.push((this.heart.beatTime(this.beat) - this.heart.beatTime(this.beat - 1)) * this.rate * 1000);
      }
      if (rrMs.length) this.bpm = Math.round(60_000 / (rrMs.reduce((a, b) => a + b, 0) / rrMs.length));
      this.notify(GATT.heartRateMeasurement, encodeHeartRateMeasurement({ bpm: this.bpm, contact: 'detected', rrMs }));
    }
  }
}

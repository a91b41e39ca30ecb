import type { DeviceStats, StreamInfo, StreamStats } from '../../shared/types';
import {
  decodeControlResponse,
  encodeGetSettings,
  encodeStart,
  PMD_EPOCH_UNIX_S,
  PmdOp,
  PmdStreamState,
  PmdType,
  ppiTimes,
  type PmdSettings,
  type PmdStartSettings,
  type TimedPmdFrame,
} from '../protocols/polar-pmd';
import { ClockModel } from './clock-model';
import type { HostClock } from './host-clock';
import { PmdControlPoint } from './pmd-control';
import type { StreamBus } from './stream-bus';

export interface PmdDeviceOptions {
  id: string;
  label: string;
  bus: StreamBus;
  now: HostClock;
  /** Writes a command to the PMD control point (with response). */
  writeControl(bytes: Uint8Array): Promise<void>;
  /** The ATT MTU agreed, for the warning when it is too small for full frames. */
  mtu(): number;
  /**
   * False for a control point that cannot be written (a GATT replay: its log holds only what the
   * device sent): nothing is commanded, the logged responses and frames are taken as they come.
   */
  commands: boolean;
  commandTimeoutMs?: number;
}

/** PMD needs an ATT MTU of at least this for full data frames (Polar BLE SDK). */
export const PMD_MIN_MTU = 232;

/** Statuses of a get-settings answer that mean "this device does not offer that measurement". */
const NOT_OFFERED = new Set([2, 3]);
const ALREADY_IN_STATE = 6;

interface Measurement {
  type: number;
  /** As Polar writes it, for messages. */
  label: string;
  name: TimedPmdFrame['name'];
  kind: StreamInfo['kind'];
  /** The choice among the offered settings: the offered value nearest each (H10 ECG 130 Hz 14 bit; ACC 50 Hz, 8 G). */
  preferred: PmdStartSettings;
}

/** What we start, in this order, when the device offers it: H10 ECG and ACC; Verity Sense PPG, ACC and PPI. */
const MEASUREMENTS: readonly Measurement[] = [
  { type: PmdType.ECG, label: 'ECG', name: 'ecg', kind: 'ecg', preferred: { sampleRate: 130, resolution: 14 } },
  { type: PmdType.PPG, label: 'PPG', name: 'ppg', kind: 'ppg', preferred: { sampleRate: 55, resolution: 22, channels: 4 } },
  { type: PmdType.ACC, label: 'ACC', name: 'acc', kind: 'imu', preferred: { sampleRate: 50, resolution: 16, range: 8 } },
  { type: PmdType.PPI, label: 'PPI', name: 'ppi', kind: 'other', preferred: {} },
];

interface Lane {
  info: StreamInfo;
  /** Index of the next sample, lost ones included. */
  index: number;
  samples: number;
  frames: number;
  lost: number;
  /** Spacing of the last frame, s (host time); 0 before the first. */
  dt: number;
  /** Host time just after the last sample published; -Infinity before the first. */
  next: number;
  /** The link came back: the next frame ends a gap from `next`. */
  resumed: boolean;
}

/** PMD timestamps are the device's crystal clock: it drifts from the host by ppm, not by the percent a short run of arrival jitter can fit. */
const PMD_CLOCK = { maxDrift: 1e-3 };

/**
 * A Polar device's PMD measurements (H10 ECG and ACC, Verity Sense PPG, PPI and ACC) as streams:
 * `ecg` (µV), `acc` (mG), `ppg` (three PPG channels and ambient, raw counts), `ppi` (irregular: HR
 * bpm, PP interval ms, its error estimate ms, flags). On start, and again after each reconnect, it
 * asks each measurement's settings, picks the offered value nearest its preference and starts it,
 * one control-point command at a time. Frames share the data characteristic and are told apart by
 * data[0]; each type's sample spacing comes from its PMD timestamps (the device's clock, so the
 * measured rate is reported beside the nominal one), and the device clock is fitted to arrival
 * times (lower envelope, ClockModel) to place samples in host time. ECG begins some seconds after
 * its start is acknowledged: waiting for it is not an error.
 */
export class PmdDevice {
  private readonly factors: Partial<Record<number, number>> = {};
  private readonly timing = new PmdStreamState({ factors: this.factors });
  private clock = new ClockModel(PMD_CLOCK);
  /** Unix time of this link's first frame: the clock model works in device seconds from there, for precision. */
  private origin: number | undefined;
  /** The latest frame's device time, s from `origin`. */
  private lastDev = 0;
  private readonly control: PmdControlPoint;
  private readonly lanes = new Map<number, Lane>();
  /** Nominal rate per type, from the settings chosen (a replay: the preference). */
  private readonly nominal = new Map<number, number>();
  /** Bumped when the link drops or the device detaches: a command sequence of an older link stops. */
  private generation = 0;
  private commandError: string | undefined;
  private badResponses = 0;

  constructor(private readonly options: PmdDeviceOptions) {
    this.control = new PmdControlPoint(options.writeControl, options.commandTimeoutMs);
  }

  /** HRS on the same device publishes its own streams: these go under their own owner. */
  private get owner(): string {
    return `${this.options.id}:pmd`;
  }

  /** The subscriptions are made: start what the device offers. */
  start(): void {
    if (this.options.commands) void this.startMeasurements(this.generation);
  }

  /** A control-point indication. */
  receiveControl(value: Uint8Array): void {
    const decoded = decodeControlResponse(value);
    if (!decoded.ok) {
      this.badResponses++;
      this.commandError = decoded.error;
      return;
    }
    const response = decoded.value;
    // A start's answer carries the factor compressed frames are scaled by (also when replayed from a log).
    const factor = response.settings?.factor;
    if (response.opCode === PmdOp.START && response.ok && factor !== undefined) this.factors[response.measurementType & 0x3f] = factor;
    this.control.answer(response);
  }

  /** A PMD data notification that arrived at host time `arrival`. */
  receiveData(value: Uint8Array, arrival: number): void {
    const type = value.length > 0 ? value[0] & 0x3f : -1;
    // A frame without a previous timestamp (the first, or the first after a reconnect) is spaced as the last one was, else at the nominal rate.
    const spacing = this.lanes.get(type)?.dt;
    const frame = this.timing.push(value, spacing ? 1 / spacing : this.nominalRate(type));
    if (!frame) return;
    this.origin ??= frame.timestamp + PMD_EPOCH_UNIX_S;
    this.lastDev = this.dev(frame.timestamp);
    // The frame's last sample was taken at its timestamp and arrived no earlier than `arrival`.
    this.clock.observe(this.lastDev, arrival);
    const lane = this.lane(frame.measurementType);
    if (frame.name === 'ppi') this.publishBeats(lane, frame);
    else this.publishSamples(lane, frame);
  }

  /** The link is back (subscriptions made again): each type's timestamps start afresh, and so do the measurements. */
  linkRestored(): void {
    this.control.cancel('the link was lost');
    this.generation++;
    this.timing.clear();
    // The device's clock may have restarted with it.
    this.clock = new ClockModel(PMD_CLOCK);
    this.origin = undefined;
    for (const lane of this.lanes.values()) lane.resumed = true;
    this.start();
  }

  detach(): void {
    this.generation++;
    this.control.cancel('the device was disconnected');
    this.options.bus.setStreams(this.owner, []);
  }

  stats(): Pick<DeviceStats, 'streams' | 'decodeErrors' | 'clockOffsetMs' | 'driftPpm' | 'error'> {
    const fit = this.clock.current();
    const streams = [...this.lanes].map(
      ([type, l]): StreamStats => ({
        key: l.info.key,
        nominalRate: l.info.rate,
        measuredRate: this.timing.measuredRate(type),
        samples: l.samples,
        packets: l.frames,
        packetsLost: l.lost,
      }),
    );
    const mtu = this.options.mtu();
    const mtuWarning = mtu < PMD_MIN_MTU ? `ATT MTU ${mtu} is under the ${PMD_MIN_MTU} bytes Polar PMD needs for full frames: the device may refuse to start or send short frames` : undefined;
    const error = [this.commandError, mtuWarning].filter(Boolean).join('; ') || this.timing.lastError;
    return {
      streams,
      decodeErrors: { crc: 0, cobs: 0, oversize: 0, malformed: this.timing.errors + this.badResponses },
      // Host minus the device's own (Unix) time at the latest frame.
      clockOffsetMs: fit && this.origin !== undefined ? (this.clock.toHost(this.lastDev) - this.lastDev - this.origin) * 1000 : 0,
      driftPpm: fit ? (1 / (1 + fit.drift) - 1) * 1e6 : 0,
      ...(error ? { error } : {}),
    };
  }

  /** Get settings, then start, for each measurement the device offers; a refusal is kept as the device's error and the next one is tried. */
  private async startMeasurements(generation: number): Promise<void> {
    this.commandError = undefined;
    for (const m of MEASUREMENTS) {
      if (generation !== this.generation) return;
      try {
        const offered = await this.control.send(`get ${m.label} settings`, PmdOp.GET_SETTINGS, m.type, encodeGetSettings(m.type));
        if (!offered.ok) {
          if (NOT_OFFERED.has(offered.status)) continue;
          throw new Error(`get ${m.label} settings: ${offered.statusText}`);
        }
        const choice = chooseSettings(offered.settings, m.preferred);
        const started = await this.control.send(`start ${m.label}`, PmdOp.START, m.type, encodeStart(m.type, choice));
        if (!started.ok && started.status !== ALREADY_IN_STATE) throw new Error(`start ${m.label}: ${started.statusText}`);
        if (generation !== this.generation) return;
        this.nominal.set(m.type, choice.sampleRate ?? 0);
        this.lane(m.type);
      } catch (error) {
        if (generation === this.generation) this.commandError = (error as Error).message;
      }
    }
  }

  /** Device seconds (from `origin`) of a PMD time (seconds since PMD's epoch). */
  private dev(pmdSeconds: number): number {
    return pmdSeconds + PMD_EPOCH_UNIX_S - this.origin!;
  }

  private nominalRate(type: number): number {
    return this.nominal.get(type) ?? MEASUREMENTS.find((m) => m.type === type)?.preferred.sampleRate ?? 0;
  }

  /** The stream of a measurement type, announced on its start (or its first frame, when replayed). */
  private lane(type: number): Lane {
    const known = this.lanes.get(type);
    if (known) return known;
    const m = MEASUREMENTS.find((x) => x.type === type)!;
    const channels = {
      ecg: [{ label: 'ECG', unit: 'µV' }],
      acc: ['x', 'y', 'z'].map((label) => ({ label, unit: 'mG' })),
      ppg: [{ label: 'ppg0', unit: '' }, { label: 'ppg1', unit: '' }, { label: 'ppg2', unit: '' }, { label: 'ambient', unit: '' }],
      ppi: [
        { label: 'HR', unit: 'bpm' },
        { label: 'PPI', unit: 'ms' },
        { label: 'error', unit: 'ms' },
        { label: 'flags', unit: '' },
      ],
    }[m.name];
    const info: StreamInfo = { key: `${this.options.id}/${m.name}`, deviceId: this.options.id, name: m.name, kind: m.kind, rate: this.nominalRate(type), channels };
    const lane: Lane = { info, index: 0, samples: 0, frames: 0, lost: 0, dt: 0, next: -Infinity, resumed: false };
    this.lanes.set(type, lane);
    this.options.bus.setStreams(
      this.owner,
      [...this.lanes.values()].map((l) => l.info),
    );
    return lane;
  }

  private publishSamples(lane: Lane, frame: TimedPmdFrame): void {
    const drift = this.clock.current()!.drift;
    const t0 = this.clock.toHost(this.dev(frame.t0));
    const dt = frame.dt * (1 + drift);
    if (lane.resumed) this.endGap(lane, t0, dt);
    const n = frame.n;
    const data = new Float64Array(n * frame.data.length);
    frame.data.forEach((channel, c) => data.set(channel, c * n));
    this.options.bus.publish({ key: lane.info.key, index: lane.index, t0, dt, n, data });
    lane.index += n;
    lane.samples += n;
    lane.frames++;
    lane.dt = dt;
    lane.next = t0 + n * dt;
  }

  /** PPI beats, one sample each at its time: the last at the frame's timestamp, each earlier one an interval before. */
  private publishBeats(lane: Lane, frame: TimedPmdFrame): void {
    const times = ppiTimes(frame);
    if (lane.resumed) this.endGap(lane, this.clock.toHost(this.dev(times[0])), 0);
    for (let i = 0; i < frame.n; i++) {
      // A beat never lands before the one already published.
      const t = Math.max(this.clock.toHost(this.dev(times[i])), lane.next);
      this.options.bus.publish({ key: lane.info.key, index: lane.index++, t0: t, dt: 0, n: 1, data: Float64Array.from(frame.data, (channel) => channel[i]) });
      lane.next = t + 1e-3;
    }
    lane.samples += frame.n;
    lane.frames++;
  }

  /** The first frame after a reconnect: the stretch since the last sample is a gap, never filled; the sample index moves on by it. */
  private endGap(lane: Lane, t0: number, dt: number): void {
    lane.resumed = false;
    if (!Number.isFinite(lane.next) || t0 <= lane.next) return;
    const lost = dt > 0 ? Math.round((t0 - lane.next) / dt) : undefined;
    this.options.bus.publishEvent({
      kind: 'gap',
      key: lane.info.key,
      t: lane.next,
      duration: t0 - lane.next,
      text: `${this.options.label}: ${lane.info.name} lost for ${(t0 - lane.next).toFixed(1)} s while the link was down${lost !== undefined ? ` (${lost} samples)` : ''}`,
      ...(lost !== undefined ? { lost } : {}),
    });
    if (lost !== undefined) {
      lane.index += lost;
      lane.lost += lost;
    }
  }
}

/** For each setting the device offers: the offered value nearest the preference, or the largest when there is none (the SDK's default). */
export function chooseSettings(offered: PmdSettings | undefined, preferred: PmdStartSettings): PmdStartSettings {
  const choice: PmdStartSettings = {};
  if (!offered) return choice;
  for (const key of ['sampleRate', 'resolution', 'range', 'channels'] as const) {
    const values = offered[key];
    if (values.length === 0) continue;
    const want = preferred[key];
    choice[key] = want === undefined ? Math.max(...values) : values.reduce((best, v) => (Math.abs(v - want) < Math.abs(best - want) ? v : best));
  }
  return choice;
}

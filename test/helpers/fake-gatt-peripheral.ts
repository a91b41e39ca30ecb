/**
 * A fake BLE peripheral (the only fake in these tests: it stands in for the radio), implementing the
 * same GattPeripheral interface as the noble adapter. It records every call in order, so tests can
 * check discovery, subscription order and the MTU request, and lets a test send notifications and
 * drop the link. FakePolarH10 below makes it a Polar H10 that answers PMD commands and sends ECG.
 */
import type { GattPeripheral, GattService } from '../../src/main/devices/ble/gatt';
import { GATT } from '../../src/main/devices/ble/uuids';
import { PMD_CONTROL_POINT, PMD_DATA, PMD_SERVICE } from '../../src/main/protocols/polar-pmd';

export class FakeGattPeripheral implements GattPeripheral {
  readonly calls: string[] = [];
  private readonly listeners = new Map<string, (value: Uint8Array) => void>();
  private lost: ((error?: Error) => void) | null = null;
  connected = false;
  /** Set to make the next connect() fail (a device out of range). */
  refuseConnect: string | null = null;

  constructor(
    readonly address: string,
    readonly name: string,
    private readonly services: GattService[],
    private readonly values: Record<string, Uint8Array> = {},
    private readonly agreedMtu = 185,
  ) {}

  async connect(): Promise<void> {
    this.calls.push('connect');
    if (this.refuseConnect) throw new Error(this.refuseConnect);
    this.connected = true;
  }

  async requestMtu(mtu: number): Promise<number> {
    this.calls.push(`mtu ${mtu}`);
    return Math.min(mtu, this.agreedMtu);
  }

  async discover(): Promise<GattService[]> {
    this.calls.push('discover');
    return this.services;
  }

  async subscribe(_service: string, characteristic: string, mode: 'notify' | 'indicate', listener: (value: Uint8Array) => void): Promise<void> {
    this.calls.push(`subscribe ${characteristic.slice(0, 8)} ${mode}`);
    this.listeners.set(characteristic, listener);
  }

  async read(_service: string, characteristic: string): Promise<Uint8Array> {
    this.calls.push(`read ${characteristic.slice(0, 8)}`);
    const value = this.values[characteristic];
    if (!value) throw new Error(`no value for ${characteristic}`);
    return value;
  }

  async write(_service: string, characteristic: string, value: Uint8Array, withResponse: boolean): Promise<void> {
    this.calls.push(`write ${characteristic.slice(0, 8)} ${Buffer.from(value).toString('hex')}${withResponse ? '' : ' (no response)'}`);
  }

  rssi(): number | null {
    return -61;
  }

  onDisconnect(listener: (error?: Error) => void): void {
    this.lost = listener;
  }

  async disconnect(): Promise<void> {
    this.calls.push('disconnect');
    this.connected = false;
  }

  /** The peripheral notifies `value` on `characteristic` (ignored unless subscribed, as over the air). */
  notify(characteristic: string, value: Uint8Array): void {
    if (this.connected) this.listeners.get(characteristic)?.(value);
  }

  /** The link drops (out of range). */
  drop(reason = 'connection timeout'): void {
    this.connected = false;
    this.listeners.clear();
    this.lost?.(new Error(reason));
  }
}

/** A standard Heart Rate Service strap's services: HR measurement (notify), body sensor location (read), battery (read, notify). */
export const HR_STRAP_SERVICES: GattService[] = [
  { uuid: GATT.heartRateService, characteristics: [{ uuid: GATT.heartRateMeasurement, properties: ['notify'] }, { uuid: '00002a38-0000-1000-8000-00805f9b34fb', properties: ['read'] }] },
  { uuid: GATT.batteryService, characteristics: [{ uuid: GATT.batteryLevel, properties: ['read', 'notify'] }] },
];

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** A Polar H10's services: Heart Rate, Battery, and PMD (control point: write + indicate; data: notify). */
export const H10_SERVICES: GattService[] = [
  { uuid: GATT.heartRateService, characteristics: [{ uuid: GATT.heartRateMeasurement, properties: ['notify'] }] },
  { uuid: GATT.batteryService, characteristics: [{ uuid: GATT.batteryLevel, properties: ['read'] }] },
  {
    uuid: PMD_SERVICE,
    characteristics: [
      { uuid: PMD_CONTROL_POINT, properties: ['write', 'indicate'] },
      { uuid: PMD_DATA, properties: ['notify'] },
    ],
  },
];

/** Get-settings answers of an H10 (TLVs: type, count, uint16 LE values): ECG 130 Hz 14 bit; ACC 25/50/100/200 Hz, 16 bit, 2/4/8 G. */
const H10_SETTINGS: Record<number, string> = {
  0: '0001820001010e00',
  2: '0004190032006400c800' + '01011000' + '0203020004000800',
};

/** ECG samples per H10 frame (73 at the 232-byte MTU payload). */
export const H10_ECG_FRAME = 73;

/** The fake H10's ECG sample k, µV: a deterministic saw within the ±20 000 µV range, negative values included. */
export function fakeEcgMicrovolts(k: number): number {
  return ((k * 397) % 4001) - 2000;
}

/** An H10 ECG data frame (PROTOCOL_FACTS test-vector layout): `00 | timestamp u64 LE ns (the last sample's) | 00 | 3-byte signed LE µV samples`. */
export function h10EcgFrame(lastSampleNs: bigint, microvolts: number[]): Uint8Array {
  const frame = new Uint8Array(10 + 3 * microvolts.length);
  new DataView(frame.buffer).setBigUint64(1, lastSampleNs, true);
  microvolts.forEach((v, i) => {
    const u = v < 0 ? v + 2 ** 24 : v;
    frame.set([u & 0xff, (u >> 8) & 0xff, (u >> 16) & 0xff], 10 + 3 * i);
  });
  return frame;
}

/**
 * The fake peripheral acting as a Polar H10: answers PMD control-point commands with the documented
 * responses after `answerMs` (and records any write that came before the answer was sent, a
 * breach of "one command at a time"), and, once ECG is started, sends ECG frames (h10EcgFrame)
 * whose timestamps advance at `rateHz`.
 */
export class FakePolarH10 extends FakeGattPeripheral {
  /** Control-point writes that came while an answer was still due. */
  readonly overlapping: string[] = [];
  readonly started = new Set<number>();
  /** Statuses to answer instead of success, by `op type` (e.g. '2 0': start ECG). */
  readonly refuse = new Map<string, number>();
  private answering = false;
  /** The next ECG sample's number. */
  private k = 0;

  constructor(
    private readonly options: { rateHz: number; firstSampleNs: bigint; answerMs?: number; mtu?: number },
  ) {
    super('A0:9E:1A:00:00:10', 'Polar H10 1A2B3C4D', H10_SERVICES, { [GATT.batteryLevel]: Uint8Array.of(90) }, options.mtu ?? 247);
  }

  /** Device time of the next ECG sample, ns since 2000-01-01. */
  get nextSampleNs(): bigint {
    return this.sampleNs(this.k);
  }

  private sampleNs(k: number): bigint {
    return this.options.firstSampleNs + BigInt(Math.round((k * 1e9) / this.options.rateHz));
  }

  override async write(service: string, characteristic: string, value: Uint8Array, withResponse: boolean): Promise<void> {
    await super.write(service, characteristic, value, withResponse);
    if (characteristic !== PMD_CONTROL_POINT) return;
    if (this.answering) this.overlapping.push(hex(value));
    this.answering = true;
    setTimeout(() => {
      this.answering = false;
      const answer = this.answer(value);
      this.calls.push(`answer ${hex(answer)}`);
      this.notify(PMD_CONTROL_POINT, answer);
    }, this.options.answerMs ?? 10);
  }

  /** Sends one ECG frame of H10_ECG_FRAME samples, if ECG is started; returns its samples (µV). */
  emitEcgFrame(): number[] {
    if (!this.started.has(0)) return [];
    const values = Array.from({ length: H10_ECG_FRAME }, (_, i) => fakeEcgMicrovolts(this.k + i));
    this.k += H10_ECG_FRAME;
    this.notify(PMD_DATA, h10EcgFrame(this.sampleNs(this.k - 1), values));
    return values;
  }

  private answer(command: Uint8Array): Uint8Array {
    const [op, type] = [command[0], command[1] & 0x3f];
    const refused = this.refuse.get(`${op} ${type}`);
    if (refused !== undefined) return Uint8Array.of(0xf0, op, type, refused);
    if (op === 1) {
      const settings = H10_SETTINGS[type];
      // Not an H10 measurement (PPG, PPI): "not supported".
      return settings ? Uint8Array.from(Buffer.from(`f001${type.toString(16).padStart(2, '0')}0000${settings}`, 'hex')) : Uint8Array.of(0xf0, op, type, 3);
    }
    if (op === 2) this.started.add(type);
    if (op === 3) this.started.delete(type);
    return Uint8Array.of(0xf0, op, type, 0, 0);
  }
}

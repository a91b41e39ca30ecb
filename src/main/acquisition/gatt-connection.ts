import type { BleLinkStats } from '../../shared/ble';
import type { DeviceStats, RawView, TransportKind } from '../../shared/types';
import type { GattPeripheral, GattService } from '../devices/ble/gatt';
import { GattLogWriter } from '../devices/ble/gatt-log';
import { GATT } from '../devices/ble/uuids';
import type { DeviceDescriptor } from '../protocols/vbp';
import { DEFAULT_RECONNECT, LinkRetry, type ReconnectPolicy } from './link-retry';
import { GATT_DRIVERS, type GattDriver, type GattSubscription } from './gatt-drivers';
import type { HostClock } from './host-clock';
import type { StreamBus } from './stream-bus';

/** PMD needs >= 232 bytes for full frames; 247 is the usual most a BLE 4.2+ stack agrees to. */
export const REQUESTED_MTU = 247;
const RAW_VALUES = 40;

export interface GattConnectionOptions {
  id: string;
  label: string;
  transport: TransportKind;
  /** Finds (again) the peripheral: called at start and for each reconnect attempt. */
  open: () => Promise<GattPeripheral>;
  /** False: a link that ends cleanly or with an error stays down (a replayed log, the simulated strap). */
  reconnects?: boolean;
  bus: StreamBus;
  now: HostClock;
  reconnect?: Partial<ReconnectPolicy>;
  onChange?(): void;
}

/**
 * One connected BLE device (a sibling of BoardConnection for GATT): connects, asks for a large
 * MTU, discovers services, picks the drivers for them, makes their subscriptions in order before
 * any command, reads (and follows) the battery level, and when the link is lost reconnects with
 * backoff, recording the downtime as a gap event. Every notification can be captured to a GATT log.
 */
export class GattConnection {
  readonly id: string;
  private peripheral: GattPeripheral | null = null;
  private drivers: GattDriver[] = [];
  private state: DeviceStats['state'] = 'connecting';
  private error: string | undefined;
  private closed = false;
  private mtu = 23;
  private battery: number | undefined;
  private reconnects = 0;
  private lostAt = 0;
  private readonly retry: LinkRetry;
  private capture: GattLogWriter | null = null;
  private readonly recent: string[] = [];
  private bytesReceived = 0;

  constructor(private readonly options: GattConnectionOptions) {
    this.id = options.id;
    this.retry = new LinkRetry(
      { ...DEFAULT_RECONNECT, ...options.reconnect },
      () => this.reopen(),
      (message) => (this.error = message),
    );
  }

  /** Resolves once the device streams; rejects (and leaves nothing behind) when the first connection fails. */
  async start(): Promise<void> {
    try {
      await this.setup(true);
    } catch (error) {
      await this.peripheral?.disconnect().catch(() => undefined);
      throw error;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.retry.stop();
    for (const d of this.drivers) d.detach();
    this.state = 'disconnected';
    await this.stopCapture();
    const peripheral = this.peripheral;
    this.peripheral = null;
    await peripheral?.disconnect();
  }

  /** Starts writing every notification to `file` (replacing a capture under way); null stops. Resolves with the file being written. */
  async setCapture(file: string | null): Promise<string | null> {
    await this.stopCapture();
    if (file) this.capture = new GattLogWriter(file, this.options.now());
    this.options.onChange?.();
    return file;
  }

  private async stopCapture(): Promise<void> {
    const capture = this.capture;
    this.capture = null;
    await capture?.close();
  }

  descriptorJson(): DeviceDescriptor | Record<string, unknown> | null {
    const vbp = this.drivers.map((d) => d.descriptorJson()).find((d) => d && 'streams' in d);
    return vbp ?? { protocol: 'ble', address: this.peripheral?.address ?? null, drivers: this.drivers.map((d) => d.name) };
  }

  stats(): DeviceStats {
    const parts = this.drivers.map((d) => d.stats());
    const vbp = parts.find((p) => p.protocol === 'vbp');
    // The device clock fit of the driver that has one (VBP over NUS, or Polar PMD's timestamps).
    const timed = vbp ?? parts.find((p) => p.clockOffsetMs !== undefined);
    const errors = { crc: 0, cobs: 0, oversize: 0, malformed: 0 };
    for (const p of parts) for (const k of Object.keys(errors) as (keyof typeof errors)[]) errors[k] += p.decodeErrors?.[k] ?? 0;
    const ble: BleLinkStats = {
      address: this.peripheral?.address ?? '',
      drivers: this.drivers.map((d) => d.name),
      mtu: this.mtu,
      ...(this.peripheral?.rssi() != null ? { rssi: this.peripheral.rssi()! } : {}),
      ...(this.battery !== undefined ? { batteryPct: this.battery } : {}),
      ...(this.drivers.find((d) => d.contact) ? { contact: this.drivers.find((d) => d.contact)!.contact } : {}),
      ...(this.capture ? { capturing: this.capture.file } : {}),
    };
    const error = this.error ?? this.capture?.error ?? parts.find((p) => p.error)?.error;
    return {
      ...(vbp ?? {}),
      deviceId: this.id,
      label: this.options.label,
      transport: this.options.transport,
      state: this.state,
      clockOffsetMs: timed?.clockOffsetMs ?? 0,
      driftPpm: timed?.driftPpm ?? 0,
      decodeErrors: errors,
      streams: parts.flatMap((p) => p.streams),
      reconnects: this.reconnects,
      bytesReceived: this.bytesReceived,
      ...(this.state === 'reconnecting' ? { reconnectAttempt: this.retry.attempt } : {}),
      ...(error ? { error } : {}),
      ble,
    };
  }

  /** The last notifications, one line each (characteristic and hex value), for the raw view. */
  raw(): RawView {
    return { deviceId: this.id, bytesReceived: this.bytesReceived, hex: '', lines: [...this.recent] };
  }

  private async setup(first: boolean): Promise<void> {
    const peripheral = await this.options.open();
    this.peripheral = peripheral;
    peripheral.onDisconnect((error) => {
      if (peripheral === this.peripheral) this.onLost(error);
    });
    await peripheral.connect();
    this.mtu = await peripheral.requestMtu(REQUESTED_MTU);
    const services = await peripheral.discover();
    if (first) this.drivers = this.createDrivers(services);
    for (const driver of this.drivers) {
      for (const s of driver.subscriptions) await peripheral.subscribe(s.service, s.characteristic, s.mode, (value) => this.onValue(driver, s, value));
    }
    await this.followBattery(peripheral, services);
    if (this.closed) return;
    this.state = 'streaming';
    if (first) for (const d of this.drivers) d.start();
    else for (const d of this.drivers) d.linkRestored(this.lostAt, this.options.now(), this.retry.attempt);
    this.options.onChange?.();
  }

  private createDrivers(services: GattService[]): GattDriver[] {
    const { id, label, transport, bus, now } = this.options;
    // The link outlives a peripheral object: after a reconnect it writes through the new one.
    const link = {
      write: (service: string, characteristic: string, value: Uint8Array, withResponse: boolean) =>
        this.peripheral ? this.peripheral.write(service, characteristic, value, withResponse) : Promise.reject(new Error(`${label} is not connected`)),
      mtu: () => this.mtu,
    };
    const why: string[] = [];
    const drivers: GattDriver[] = [];
    for (const kind of GATT_DRIVERS) {
      if (!services.some((s) => s.uuid === kind.service)) continue;
      const made = kind.create({ id, label, transport, bus, now, link, services });
      if ('why' in made) why.push(made.why);
      else drivers.push(made);
    }
    if (drivers.length === 0) {
      const found = services.map((s) => s.uuid).join(', ') || 'none';
      throw new Error(`${label}: no driver for this device${why.length ? ` (${why.join('; ')})` : ''}; its services: ${found} (we drive Heart Rate 0x180D, Nordic UART ${GATT.nusService} and Polar PMD ${GATT.pmdService})`);
    }
    return drivers;
  }

  private async followBattery(peripheral: GattPeripheral, services: GattService[]): Promise<void> {
    const level = services.find((s) => s.uuid === GATT.batteryService)?.characteristics.find((c) => c.uuid === GATT.batteryLevel);
    if (!level) return;
    const set = (value: Uint8Array) => {
      if (value.length >= 1 && value[0] <= 100) this.battery = value[0];
    };
    // The level is a nicety: a device that refuses to say still streams.
    try {
      if (level.properties.includes('read')) set(await peripheral.read(GATT.batteryService, GATT.batteryLevel));
      if (level.properties.includes('notify')) await peripheral.subscribe(GATT.batteryService, GATT.batteryLevel, 'notify', set);
    } catch {
      this.battery = undefined;
    }
  }

  private onValue(driver: GattDriver, subscription: GattSubscription, value: Uint8Array): void {
    const arrival = this.options.now();
    this.bytesReceived += value.length;
    this.capture?.add(subscription.service, subscription.characteristic, value, arrival);
    this.recent.push(`${subscription.characteristic.slice(0, 8)} ${Buffer.from(value).toString('hex')}`);
    if (this.recent.length > RAW_VALUES) this.recent.shift();
    driver.receive(subscription, value, arrival);
  }

  private onLost(error?: Error): void {
    if (this.closed || this.state === 'reconnecting') return;
    if (!error || this.options.reconnects === false) {
      this.state = error ? 'error' : 'disconnected';
      this.error = error?.message;
      this.options.onChange?.();
      return;
    }
    this.lostAt = this.options.now();
    this.state = 'reconnecting';
    this.error = `${error.message}: reconnecting`;
    this.retry.start();
    this.options.onChange?.();
  }

  /** One reconnect try: the device found, connected and subscribed again, or an error (LinkRetry tries again). */
  private async reopen(): Promise<void> {
    try {
      await this.setup(false);
    } catch (error) {
      await this.peripheral?.disconnect().catch(() => undefined);
      throw error;
    }
    if (this.closed) return;
    this.reconnects++;
    this.error = undefined;
    this.options.onChange?.();
  }
}

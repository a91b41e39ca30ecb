/**
 * The GATT central over a real radio, through @abandonware/noble. A thin layer: it maps noble's
 * peripherals and characteristics onto GattCentral/GattPeripheral and nothing more (the logic is in
 * GattConnection and the drivers, tested against a fake). noble is loaded lazily inside try/catch:
 * without the package, an adapter, kernel support or permission, the central reports why
 * ("Bluetooth unavailable: <reason>") and the rest of the app is unaffected.
 */
import type { BleAdapterState, BleScanResult } from '../../../shared/ble';
import { driversFor } from '../../acquisition/gatt-drivers';
import type { GattCentral, GattPeripheral, GattProperty, GattService } from './gatt';
import { fullUuid } from './uuids';

export const BLE_PREFIX = 'ble:';

/** How long to wait for the adapter to power on, and to find a device to connect to. */
const STATE_WAIT_MS = 3000;
const FIND_SECONDS = 8;

/** What we use of noble's API (documented in its README). */
interface NobleCharacteristic {
  uuid: string;
  properties: string[];
  subscribeAsync(): Promise<void>;
  readAsync(): Promise<Buffer>;
  writeAsync(data: Buffer, withoutResponse: boolean): Promise<void>;
  on(event: 'data', listener: (data: Buffer) => void): void;
}
interface NoblePeripheral {
  id: string;
  address: string;
  rssi: number;
  mtu?: number | null;
  advertisement: { localName?: string; serviceUuids?: string[] };
  connectAsync(): Promise<void>;
  disconnectAsync(): Promise<void>;
  discoverAllServicesAndCharacteristicsAsync(): Promise<{ services: { uuid: string; characteristics: NobleCharacteristic[] }[] }>;
  once(event: 'disconnect', listener: (reason?: unknown) => void): void;
}
interface Noble {
  state: string;
  on(event: 'stateChange', listener: (state: string) => void): void;
  on(event: 'discover', listener: (p: NoblePeripheral) => void): void;
  removeListener(event: string, listener: (...args: never[]) => void): void;
  startScanningAsync(serviceUuids: string[], allowDuplicates: boolean): Promise<void>;
  stopScanningAsync(): Promise<void>;
}

const STATE_REASONS: Record<string, string> = {
  unsupported: 'no Bluetooth LE adapter, or no kernel support for it',
  unauthorized: 'not permitted to use the adapter (on Linux: sudo setcap cap_net_raw+eip $(which node))',
  poweredOff: 'the adapter is off',
  resetting: 'the adapter is resetting',
  unknown: 'the adapter did not report its state',
};

class NobleCentral implements GattCentral {
  private noble: Promise<Noble | { why: string }> | null = null;
  private readonly seen = new Map<string, NoblePeripheral>();

  private load(): Promise<Noble | { why: string }> {
    this.noble ??= (async () => {
      try {
        // Not bundled: a name the bundler does not resolve, loaded only when Bluetooth is asked for.
        const name = '@abandonware/noble';
        const loaded = (await import(/* @vite-ignore */ name)) as { default?: Noble } & Noble;
        return loaded.default ?? loaded;
      } catch (error) {
        return { why: `cannot load the Bluetooth library (@abandonware/noble): ${(error as Error).message.split('\n')[0]}` };
      }
    })();
    return this.noble;
  }

  async state(): Promise<BleAdapterState> {
    const noble = await this.load();
    if ('why' in noble) return { state: 'unavailable', reason: noble.why };
    if (noble.state === 'unknown') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, STATE_WAIT_MS);
        noble.on('stateChange', () => (clearTimeout(timer), resolve()));
      });
    }
    if (noble.state === 'poweredOn') return { state: 'ready' };
    const reason = STATE_REASONS[noble.state] ?? `adapter state "${noble.state}"`;
    return noble.state === 'poweredOff' ? { state: 'off', reason } : { state: 'unavailable', reason };
  }

  private async ready(): Promise<Noble> {
    const state = await this.state();
    if (state.state !== 'ready') throw new Error(`Bluetooth unavailable: ${state.reason}`);
    return (await this.load()) as Noble;
  }

  async scan(seconds: number, found?: (device: BleScanResult) => void): Promise<BleScanResult[]> {
    const noble = await this.ready();
    const results = new Map<string, BleScanResult>();
    const onDiscover = (p: NoblePeripheral) => {
      const services = (p.advertisement.serviceUuids ?? []).map(fullUuid);
      const drivers = driversFor(services);
      if (drivers.length === 0) return;
      this.seen.set(p.address || p.id, p);
      const result = { address: p.address || p.id, name: p.advertisement.localName ?? '', rssi: p.rssi, services, drivers };
      results.set(result.address, result);
      found?.(result);
    };
    noble.on('discover', onDiscover);
    try {
      await noble.startScanningAsync([], false);
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
      await noble.stopScanningAsync();
    } finally {
      noble.removeListener('discover', onDiscover);
    }
    return [...results.values()];
  }

  async peripheral(addressOrName: string): Promise<GattPeripheral> {
    const wanted = addressOrName.toLowerCase();
    const match = () => [...this.seen.values()].find((p) => (p.address || p.id).toLowerCase() === wanted || p.advertisement.localName?.toLowerCase() === wanted);
    if (!match()) await this.scan(FIND_SECONDS);
    const p = match();
    if (!p) throw new Error(`no Bluetooth LE device "${addressOrName}" with a service we drive was found in ${FIND_SECONDS} s (see vitalscope devices --ble)`);
    return new NoblePeripheralAdapter(p);
  }
}

class NoblePeripheralAdapter implements GattPeripheral {
  readonly address: string;
  readonly name: string;
  private characteristics = new Map<string, NobleCharacteristic>();

  constructor(private readonly p: NoblePeripheral) {
    this.address = p.address || p.id;
    this.name = p.advertisement.localName ?? '';
  }

  connect(): Promise<void> {
    return this.p.connectAsync();
  }

  /** noble agrees the MTU itself while connecting; the result is what it says. */
  async requestMtu(): Promise<number> {
    return this.p.mtu ?? 23;
  }

  async discover(): Promise<GattService[]> {
    const { services } = await this.p.discoverAllServicesAndCharacteristicsAsync();
    return services.map((s) => ({
      uuid: fullUuid(s.uuid),
      characteristics: s.characteristics.map((c) => {
        this.characteristics.set(`${fullUuid(s.uuid)}/${fullUuid(c.uuid)}`, c);
        return { uuid: fullUuid(c.uuid), properties: c.properties as GattProperty[] };
      }),
    }));
  }

  private characteristic(service: string, characteristic: string): NobleCharacteristic {
    const c = this.characteristics.get(`${service}/${characteristic}`);
    if (!c) throw new Error(`${this.name || this.address} has no characteristic ${characteristic} in service ${service}`);
    return c;
  }

  async subscribe(service: string, characteristic: string, _mode: 'notify' | 'indicate', listener: (value: Uint8Array) => void): Promise<void> {
    const c = this.characteristic(service, characteristic);
    c.on('data', (data) => listener(new Uint8Array(data)));
    // noble writes the CCC descriptor for notify or indicate, whichever the characteristic has.
    await c.subscribeAsync();
  }

  async read(service: string, characteristic: string): Promise<Uint8Array> {
    return new Uint8Array(await this.characteristic(service, characteristic).readAsync());
  }

  write(service: string, characteristic: string, value: Uint8Array, withResponse: boolean): Promise<void> {
    return this.characteristic(service, characteristic).writeAsync(Buffer.from(value), !withResponse);
  }

  rssi(): number | null {
    return Number.isFinite(this.p.rssi) ? this.p.rssi : null;
  }

  onDisconnect(listener: (error?: Error) => void): void {
    this.p.once('disconnect', (reason) => listener(new Error(`link lost${reason !== undefined ? ` (reason ${String(reason)})` : ''}`)));
  }

  disconnect(): Promise<void> {
    return this.p.disconnectAsync();
  }
}

let central: GattCentral | null = null;

/** The radio's central, created on first use. */
export function bleCentral(): GattCentral {
  central ??= new NobleCentral();
  return central;
}

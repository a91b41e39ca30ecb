/**
 * A fake Bluetooth LE radio (named a fake: it stands in for noble and the adapter, nothing else):
 * a GattCentral over in-process fake peripherals, so the engine's scan, connect, drivers and
 * reconnect run unchanged. While a peripheral is connected its `tick` sends what is due, on the
 * host clock, as a real device would notify. `fakeHrStrap` and `fakeH10` are the two devices the
 * BLE tests use.
 */
import type { BleAdapterState, BleScanResult } from '../../src/shared/ble';
import type { GattCentral, GattPeripheral } from '../../src/main/devices/ble/gatt';
import { GATT } from '../../src/main/devices/ble/uuids';
import { driversFor } from '../../src/main/acquisition/gatt-drivers';
import { encodeHeartRateMeasurement } from '../../src/main/protocols/heart-rate-service';
import { PMD_SERVICE } from '../../src/main/protocols/polar-pmd';
import { FakeGattPeripheral, FakePolarH10, H10_ECG_FRAME, HR_STRAP_SERVICES } from './fake-gatt-peripheral';

/** How often connected fakes are asked to send what is due. */
const TICK_MS = 50;

export interface FakeAdvertiser {
  peripheral: FakeGattPeripheral;
  /** dBm of its advertisements. */
  rssi: number;
  /** The services it advertises (a device may advertise fewer than it has). */
  services: string[];
  /** Sends the notifications due by `nowMs` (called only while connected). */
  tick(nowMs: number): void;
}

export class FakeGattCentral implements GattCentral {
  /** What the adapter reports; a test can make it unavailable. */
  adapter: BleAdapterState = { state: 'ready' };
  private readonly timer: NodeJS.Timeout;

  constructor(readonly devices: FakeAdvertiser[]) {
    this.timer = setInterval(() => {
      const now = Date.now();
      for (const d of devices) if (d.peripheral.connected) d.tick(now);
    }, TICK_MS);
  }

  async state(): Promise<BleAdapterState> {
    return this.adapter;
  }

  /** Lasts `seconds`, as a radio's scan does; lists the devices one of our drivers can drive. */
  async scan(seconds: number, found?: (device: BleScanResult) => void): Promise<BleScanResult[]> {
    if (this.adapter.state !== 'ready') throw new Error(`Bluetooth unavailable: ${this.adapter.reason}`);
    const results = this.devices
      .map((d) => ({ address: d.peripheral.address, name: d.peripheral.name, rssi: d.rssi, services: d.services, drivers: driversFor(d.services) }))
      .filter((r) => r.drivers.length > 0);
    for (const r of results) found?.(r);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    return results;
  }

  async peripheral(addressOrName: string): Promise<GattPeripheral> {
    const wanted = addressOrName.toLowerCase();
    const device = this.devices.find((d) => d.peripheral.address.toLowerCase() === wanted || d.peripheral.name.toLowerCase() === wanted);
    if (!device) throw new Error(`no Bluetooth LE device "${addressOrName}" in range of the fake radio`);
    return device.peripheral;
  }

  /** Stops the fakes' notifications. */
  close(): void {
    clearInterval(this.timer);
  }
}

/** A Heart Rate Service strap at a steady 60 bpm: one notification a second with the RR interval that ended (1000 ms), battery 87%. */
export function fakeHrStrap(address = 'C4:7C:8D:6A:11:22', name = 'HRM-Fake 1122'): FakeAdvertiser {
  const peripheral = new FakeGattPeripheral(address, name, HR_STRAP_SERVICES, { [GATT.batteryLevel]: Uint8Array.of(87) });
  let last = 0;
  return {
    peripheral,
    rssi: -58,
    services: [GATT.heartRateService],
    tick(now) {
      if (now - last < 1000) return;
      last = now;
      peripheral.notify(GATT.heartRateMeasurement, encodeHeartRateMeasurement({ bpm: 60, contact: 'detected', rrMs: [1000] }));
    },
  };
}

/** PMD timestamps count ns from 2000-01-01 (UTC). */
const PMD_EPOCH_MS = Date.UTC(2000, 0, 1);

/** The fake Polar H10 sending ECG at 130 Hz in real time once the driver starts it, battery 90%. */
export function fakeH10(): FakeAdvertiser {
  const peripheral = new FakePolarH10({ rateHz: 130, firstSampleNs: BigInt(Date.now() - PMD_EPOCH_MS) * 1_000_000n });
  let startedAt: number | null = null;
  let frames = 0;
  return {
    peripheral,
    rssi: -71,
    services: [GATT.heartRateService, PMD_SERVICE],
    tick(now) {
      if (!peripheral.started.has(0)) return;
      startedAt ??= now;
      while (((now - startedAt) / 1000) * 130 >= (frames + 1) * H10_ECG_FRAME) {
        peripheral.emitEcgFrame();
        frames++;
      }
    },
  };
}

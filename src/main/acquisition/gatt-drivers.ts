/**
 * Drivers for BLE devices, chosen by the services a device has: each names the service it drives,
 * the subscriptions it needs (in order: PMD needs indications on its control point before
 * notifications on its data), and what it does once they are made. A new driver (Polar PMD) is one
 * more entry in GATT_DRIVERS: it gets the link to write commands (awaiting each response through
 * `receive` before the next) and every notification of its subscriptions.
 */
import type { GattDriverName } from '../../shared/ble';
import type { DeviceStats, TransportKind } from '../../shared/types';
import type { GattService } from '../devices/ble/gatt';
import { GATT } from '../devices/ble/uuids';
import type { DeviceDescriptor } from '../protocols/vbp';
import type { HostClock } from './host-clock';
import { HrsDevice } from './hrs-device';
import { PmdDevice } from './pmd-device';
import { PMD_CONTROL_POINT, PMD_DATA, PMD_SERVICE } from '../protocols/polar-pmd';
import type { StreamBus } from './stream-bus';
import { VbpDevice } from './vbp-device';

export interface GattSubscription {
  service: string;
  characteristic: string;
  mode: 'notify' | 'indicate';
}

export interface GattLink {
  write(service: string, characteristic: string, value: Uint8Array, withResponse: boolean): Promise<void>;
  /** The ATT MTU agreed (it may change on a reconnect): a write carries at most mtu - 3 bytes. */
  mtu(): number;
}

export interface GattDriverContext {
  id: string;
  label: string;
  transport: TransportKind;
  bus: StreamBus;
  now: HostClock;
  link: GattLink;
  services: GattService[];
}

export interface GattDriver {
  readonly name: GattDriverName;
  readonly subscriptions: GattSubscription[];
  /** Called once the subscriptions are made, on the first connection. */
  start(): void;
  receive(subscription: GattSubscription, value: Uint8Array, arrival: number): void;
  /** The link came back (subscriptions made again): a gap for the downtime, and the driver's start commands again. */
  linkRestored(lostAt: number, restoredAt: number, attempts: number): void;
  detach(): void;
  stats(): Partial<DeviceStats> & Pick<DeviceStats, 'streams'>;
  descriptorJson(): DeviceDescriptor | Record<string, unknown> | null;
  /** HRS: the sensor contact state, for the device's link stats. */
  readonly contact?: 'detected' | 'not detected' | 'unsupported';
}

export interface GattDriverKind {
  name: GattDriverName;
  service: string;
  /** The driver, or `why` the device's service lacks what it needs. */
  create(context: GattDriverContext): GattDriver | { why: string };
}

function characteristic(services: GattService[], service: string, pick: (c: GattService['characteristics'][number]) => boolean) {
  return services.find((s) => s.uuid === service)?.characteristics.find(pick);
}

const hrs: GattDriverKind = {
  name: 'hrs',
  service: GATT.heartRateService,
  create({ id, label, bus, now, services }) {
    const measurement = characteristic(services, GATT.heartRateService, (c) => c.uuid === GATT.heartRateMeasurement && c.properties.includes('notify'));
    if (!measurement) return { why: 'its Heart Rate service has no notifying Heart Rate Measurement (0x2A37)' };
    const device = new HrsDevice({ id, label, bus, now });
    return {
      name: 'hrs',
      subscriptions: [{ service: GATT.heartRateService, characteristic: measurement.uuid, mode: 'notify' }],
      start: () => undefined,
      receive: (_, value, arrival) => device.receive(value, arrival),
      linkRestored: (lostAt, restoredAt, attempts) => device.linkRestored(lostAt, restoredAt, attempts),
      detach: () => device.detach(),
      stats: () => device.stats(),
      descriptorJson: () => ({ protocol: 'ble-hrs' }),
      get contact() {
        return device.contact;
      },
    };
  },
};

/** Nordic UART carrying VBP: TX notifications into the same VBP decoder as serial, commands to RX, chosen by property (their names differ by side). */
const nus: GattDriverKind = {
  name: 'nus',
  service: GATT.nusService,
  create({ id, label, transport, bus, now, link, services }) {
    const tx = characteristic(services, GATT.nusService, (c) => c.properties.includes('notify'));
    const rx = characteristic(services, GATT.nusService, (c) => c.properties.includes('write') || c.properties.includes('writeWithoutResponse'));
    if (!tx || !rx) return { why: `its Nordic UART service lacks a ${tx ? 'writable RX' : 'notifying TX'} characteristic` };
    const withResponse = !rx.properties.includes('writeWithoutResponse');
    const write = (bytes: Uint8Array) => {
      const most = Math.max(20, link.mtu() - 3);
      for (let at = 0; at < bytes.length; at += most) void link.write(GATT.nusService, rx.uuid, bytes.slice(at, at + most), withResponse).catch(() => undefined);
    };
    const device = new VbpDevice({ id, label, transport, bus, now, pipe: { write } });
    return {
      name: 'nus',
      subscriptions: [{ service: GATT.nusService, characteristic: tx.uuid, mode: 'notify' }],
      start: () => device.begin(),
      receive: (_, value, arrival) => device.receive(value, arrival),
      linkRestored: (lostAt, restoredAt, attempts) => device.linkRestored(lostAt, restoredAt, attempts),
      detach: () => device.detach(),
      stats: () => ({ ...device.stats(), ...device.clockStats(), protocol: 'vbp' }),
      descriptorJson: () => device.descriptorJson(),
    };
  },
};

/** Polar PMD (H10 ECG and ACC, Verity Sense PPG, PPI and ACC): control-point indications before data notifications, then the commands. */
const pmd: GattDriverKind = {
  name: 'pmd',
  service: PMD_SERVICE,
  create({ id, label, bus, now, link, services }) {
    const control = characteristic(services, PMD_SERVICE, (c) => c.uuid === PMD_CONTROL_POINT);
    const data = characteristic(services, PMD_SERVICE, (c) => c.uuid === PMD_DATA);
    if (!control || !data) return { why: `its Polar PMD service lacks the ${control ? 'data' : 'control point'} characteristic` };
    const device = new PmdDevice({
      id,
      label,
      bus,
      now,
      writeControl: (bytes) => link.write(PMD_SERVICE, PMD_CONTROL_POINT, bytes, true),
      mtu: () => link.mtu(),
      commands: control.properties.includes('write'),
    });
    return {
      name: 'pmd',
      subscriptions: [
        { service: PMD_SERVICE, characteristic: PMD_CONTROL_POINT, mode: 'indicate' },
        { service: PMD_SERVICE, characteristic: PMD_DATA, mode: 'notify' },
      ],
      start: () => device.start(),
      receive: (s, value, arrival) => (s.characteristic === PMD_CONTROL_POINT ? device.receiveControl(value) : device.receiveData(value, arrival)),
      linkRestored: () => device.linkRestored(),
      detach: () => device.detach(),
      stats: () => device.stats(),
      descriptorJson: () => ({ protocol: 'ble-pmd' }),
    };
  },
};

export const GATT_DRIVERS: readonly GattDriverKind[] = [hrs, nus, pmd];

/** Services a scan keeps devices for: those our drivers drive. */
const DRIVABLE: Record<string, GattDriverName> = { [GATT.heartRateService]: 'hrs', [GATT.nusService]: 'nus', [GATT.pmdService]: 'pmd' };

/** The drivers for a device advertising (or having) these services; empty when we cannot drive it. */
export function driversFor(serviceUuids: readonly string[]): GattDriverName[] {
  return [...new Set(serviceUuids.flatMap((u) => (DRIVABLE[u] ? [DRIVABLE[u]] : [])))];
}

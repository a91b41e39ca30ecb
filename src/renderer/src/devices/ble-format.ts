/** How the devices panel words Bluetooth LE: the adapter's state, scan results and a link's figures. Pure. */
import type { BleAdapterState, BleLinkStats, GattDriverName } from '../../../shared/ble';

/** The ID prefix that plays a GATT notification log (JSONL) through the drivers. */
export const BLE_REPLAY_PREFIX = 'ble-replay:';

/** Scan lengths offered, seconds (the engine takes up to 60). */
export const SCAN_SECONDS = [3, 5, 10, 20, 30] as const;

const SIG_BASE = '-0000-1000-8000-00805f9b34fb';

/** Services we name; others show as their 16-bit short form (SIG base) or the UUID's first group. */
const SERVICE_NAMES: Record<string, string> = {
  [`0000180d${SIG_BASE}`]: 'Heart Rate',
  [`0000180f${SIG_BASE}`]: 'Battery',
  [`0000180a${SIG_BASE}`]: 'Device Information',
  '6e400001-b5a3-f393-e0a9-e50e24dcca9e': 'Nordic UART',
  'fb005c80-02e7-f387-1cad-8acd2d8df0c8': 'Polar PMD',
};

const DRIVER_NAMES: Record<GattDriverName, string> = { hrs: 'Heart Rate (HRS)', pmd: 'Polar PMD', nus: 'Nordic UART (VBP)' };

/** The adapter's line in the BLE section: "Bluetooth unavailable: <reason>" where it cannot be used. */
export function adapterText(state: BleAdapterState | null): string {
  if (!state) return 'Checking the Bluetooth adapter…';
  if (state.state === 'ready') return 'Bluetooth ready';
  return `Bluetooth ${state.state === 'off' ? 'off' : 'unavailable'}: ${state.reason}`;
}

/** A service UUID as a user reads it: its name, `0x180D` for other SIG services, else the first group of the UUID. */
export function serviceLabel(uuid: string): string {
  const u = uuid.toLowerCase();
  const named = SERVICE_NAMES[u];
  if (named) return named;
  if (u.endsWith(SIG_BASE) && u.startsWith('0000')) return `0x${u.slice(4, 8).toUpperCase()}`;
  return u.split('-')[0];
}

/** The drivers that drive a device, by name, or a dash when none does. */
export function driversText(drivers: readonly GattDriverName[]): string {
  return drivers.length ? drivers.map((d) => DRIVER_NAMES[d] ?? d).join(' · ') : '—';
}

/** Received signal strength, dBm, or a dash when the adapter does not report it. */
export function formatRssi(dbm: number | undefined): string {
  return dbm !== undefined && Number.isFinite(dbm) ? `${Math.round(dbm)} dBm` : '—';
}

/** A battery level, %, or a dash when the device has no Battery Service. */
export function formatBattery(pct: number | undefined): string {
  return pct !== undefined && Number.isFinite(pct) ? `${Math.round(pct)}%` : '—';
}

/** Heart Rate Service sensor contact as a user reads it. */
export function contactText(contact: BleLinkStats['contact']): string {
  switch (contact) {
    case 'detected':
      return 'skin contact';
    case 'not detected':
      return 'no skin contact';
    case 'unsupported':
      return 'not reported by the device';
    default:
      return '—';
  }
}

/** A BLE link's battery and RSSI in one line, for a tooltip. */
export function linkFigures(ble: BleLinkStats): string {
  return `battery ${formatBattery(ble.batteryPct)} · RSSI ${formatRssi(ble.rssi)}`;
}

/** Bluetooth LE as the faces see it: the adapter's state, scan results, and a BLE device's link figures. No Node, no DOM. */

/** 'unavailable': no adapter, no kernel support or no driver; `reason` says which, for "Bluetooth unavailable: <reason>". */
export type BleAdapterState = { state: 'ready' } | { state: 'off'; reason: string } | { state: 'unavailable'; reason: string };

/** The drivers a BLE device can be driven by, chosen from its advertised or discovered services. */
export type GattDriverName = 'hrs' | 'nus' | 'pmd';

/** A device found by a scan that one of our drivers can drive. */
export interface BleScanResult {
  /** Connect with `ble:<address>`. */
  address: string;
  name: string;
  /** dBm at the last advertisement. */
  rssi: number;
  /** Advertised service UUIDs, lowercase 128-bit. */
  services: string[];
  drivers: GattDriverName[];
}

/** A connected BLE device's link, in its device stats. */
export interface BleLinkStats {
  address: string;
  drivers: GattDriverName[];
  /** dBm, when the adapter reports it. */
  rssi?: number;
  /** Battery Service 0x180F level, %, when the device has one. */
  batteryPct?: number;
  /** Heart Rate Service sensor contact, when the device reports it. */
  contact?: 'detected' | 'not detected' | 'unsupported';
  /** The ATT MTU the link agreed. */
  mtu?: number;
  /** Set while its GATT notifications are being captured to a JSONL log. */
  capturing?: string;
}

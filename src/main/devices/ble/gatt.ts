/**
 * The GATT central and peripheral the engine drives, in the few operations it needs. The noble
 * adapter implements them over a radio; the GATT replay over a JSONL log; the simulated strap and
 * the tests' fake peripheral in process. UUIDs are lowercase 128-bit everywhere (see uuids.ts).
 */
import type { BleAdapterState, BleScanResult } from '../../../shared/ble';

export type GattProperty = 'read' | 'write' | 'writeWithoutResponse' | 'notify' | 'indicate';

export interface GattCharacteristic {
  uuid: string;
  properties: GattProperty[];
}

export interface GattService {
  uuid: string;
  characteristics: GattCharacteristic[];
}

export interface GattAdvertisement {
  address: string;
  name: string;
  rssi: number;
  services: string[];
}

export interface GattPeripheral {
  readonly address: string;
  readonly name: string;
  connect(): Promise<void>;
  /** Asks for an ATT MTU of `mtu` bytes; resolves with the one agreed. */
  requestMtu(mtu: number): Promise<number>;
  discover(): Promise<GattService[]>;
  /** Enables notifications (or indications) on a characteristic; its values go to `listener` from then on. */
  subscribe(service: string, characteristic: string, mode: 'notify' | 'indicate', listener: (value: Uint8Array) => void): Promise<void>;
  read(service: string, characteristic: string): Promise<Uint8Array>;
  write(service: string, characteristic: string, value: Uint8Array, withResponse: boolean): Promise<void>;
  /** The last RSSI (dBm) the adapter reported; null when unknown. */
  rssi(): number | null;
  /** Called once when the link ends: `error` set when it was lost rather than closed by us (or a log that ended). */
  onDisconnect(listener: (error?: Error) => void): void;
  disconnect(): Promise<void>;
}

export interface GattCentral {
  state(): Promise<BleAdapterState>;
  /** Scans for `seconds`, calling `found` for each device as it is seen; resolves with all seen. */
  scan(seconds: number, found?: (device: BleScanResult) => void): Promise<BleScanResult[]>;
  /** The peripheral with this address or name, found by a short scan if not seen yet. */
  peripheral(addressOrName: string): Promise<GattPeripheral>;
}

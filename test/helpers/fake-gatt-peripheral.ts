/**
 * A fake BLE peripheral (the only fake in these tests: it stands in for the radio), implementing the
 * same GattPeripheral interface as the noble adapter. It records every call in order, so tests can
 * check discovery, subscription order and the MTU request, and lets a test send notifications and
 * drop the link.
 */
import type { GattPeripheral, GattService } from '../../src/main/devices/ble/gatt';

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

import type { VirtualTime } from '../../acquisition/virtual-time';
import { startTicking } from '../ticker';
import type { GattPeripheral, GattService } from './gatt';

/**
 * An in-process peripheral (the GATT replay, the simulated strap): fixed services, readable values,
 * and notifications produced by `tick` on the engine's clock, from the first subscription on.
 */
export abstract class LocalPeripheral implements GattPeripheral {
  private readonly listeners = new Map<string, (value: Uint8Array) => void>();
  private lost: ((error?: Error) => void) | null = null;
  private stop: (() => void) | null = null;

  constructor(
    readonly address: string,
    readonly name: string,
    protected readonly now: () => number,
    private readonly steps?: VirtualTime,
  ) {}

  protected abstract readonly services: GattService[];
  protected abstract readonly values: Record<string, Uint8Array>;
  /** Produces what is due at host time `now` through `notify`. */
  protected abstract tick(now: number): void;
  /** The first subscription: the start of the device's timeline. */
  protected abstract started(now: number): void;

  async connect(): Promise<void> {}

  async requestMtu(mtu: number): Promise<number> {
    return mtu;
  }

  async discover(): Promise<GattService[]> {
    return this.services;
  }

  async subscribe(_service: string, characteristic: string, _mode: 'notify' | 'indicate', listener: (value: Uint8Array) => void): Promise<void> {
    this.listeners.set(characteristic, listener);
    if (this.stop) return;
    this.started(this.now());
    this.stop = startTicking(() => this.tick(this.now()), this.steps);
  }

  async read(_service: string, characteristic: string): Promise<Uint8Array> {
    const value = this.values[characteristic];
    if (!value) throw new Error(`${this.name} has no readable ${characteristic}`);
    return value;
  }

  async write(): Promise<void> {}

  rssi(): number | null {
    return null;
  }

  onDisconnect(listener: (error?: Error) => void): void {
    this.lost = listener;
  }

  async disconnect(): Promise<void> {
    this.stop?.();
    this.stop = null;
  }

  protected notify(characteristic: string, value: Uint8Array): void {
    this.listeners.get(characteristic)?.(value);
  }

  /** The device has nothing more to say (a log played to its end). */
  protected end(): void {
    void this.disconnect();
    this.lost?.();
  }
}

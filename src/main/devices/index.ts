import type { ConnectOptions, DeviceEntry, TransportKind } from '../../shared/types';
import { DEFAULT_BAUD, SERIAL_PREFIX, findReturnedPort, listSerialPorts, openSerialPort, serialEntry, type SerialPortEntry } from './serial';
import type { SimulatorOptions } from './simulator/board';
import { SimTransport } from './simulator/sim-transport';
import type { ByteTransport } from './transport';
import type { GattCentral, GattPeripheral } from './ble/gatt';
import { BLE_PREFIX, bleCentral } from './ble/noble-central';
import { BLE_REPLAY_PREFIX, ReplayPeripheral, readGattLog } from './ble/replay-peripheral';
import { STRAP_ID, SimulatedStrap } from './simulator/strap-peripheral';
import { DEFAULT_SIMULATOR } from './simulator/board';
import { PLAYBACK_PREFIX, playbackLabel } from '../acquisition/playback-device';
import type { VirtualTime } from '../acquisition/virtual-time';

export type { ByteTransport } from './transport';
export { SimulatedBoard, DEFAULT_SIMULATOR, type SimulatorOptions } from './simulator/board';
export { SIMULATOR_PROFILES, type SimulatorProfile } from './simulator/sources';
export { DEFAULT_BAUD, SERIAL_PREFIX, listSerialPorts, openSerialPort, serialOpenError, serialDeviceId, type SerialPortEntry } from './serial';

export const SIMULATOR_ID = 'sim';

export interface OpenedDevice {
  label: string;
  transport: TransportKind;
  pipe: ByteTransport;
  /** Reopens the same board after its link was lost; absent where that makes no sense (the simulator). */
  reopen?: () => Promise<ByteTransport>;
  /** Serial settings of a serial device. */
  port?: { path: string; baud: number };
}

/** A Bluetooth LE device (a radio's, a replayed log, the simulated strap): its GATT peripheral, found again for each reconnect. */
export interface OpenedGattDevice {
  label: string;
  transport: TransportKind;
  gatt: { open: () => Promise<GattPeripheral>; reconnects: boolean };
}

/** A recorded session that can be played back as a device. */
export interface PlayableSession {
  id: number;
  name: string;
  startedAt: number;
  endedAt: number | null;
}

export interface DeviceCatalogOptions {
  simulator?: Partial<SimulatorOptions>;
  now: () => number;
  /** A virtual clock the simulator delivers on, step by step (`record --fast`); default: a timer. */
  virtualTime?: VirtualTime;
  /** Finished sessions of the library, listed as `playback:<id>` devices. */
  sessions?: () => PlayableSession[];
  /** Lists serial ports (tests pass a fake); default: the OS's list through serialport. */
  listPorts?: () => Promise<SerialPortEntry[]>;
  /** The Bluetooth LE central for `ble:` devices and scans (tests pass a fake radio); default: the radio's, through noble loaded on first use. */
  bleCentral?: GattCentral;
}

/** A port list younger than this is reused: several windows polling for hotplug cost one scan. */
const LIST_CACHE_MS = 500;

/** Lists the devices a user can connect to and opens their byte pipes. */
export class DeviceCatalog {
  private cached: { at: number; ports: SerialPortEntry[] } | null = null;
  private scanError: string | null = null;
  /** The embedded board last opened: the simulated strap shares its heart. */
  private simBoard: SimTransport | null = null;

  constructor(private readonly options: DeviceCatalogOptions) {}

  /** The central that scans for and connects `ble:` devices. */
  get ble(): GattCentral {
    return this.options.bleCentral ?? bleCentral();
  }

  async list(): Promise<Omit<DeviceEntry, 'connected'>[]> {
    const sim: Omit<DeviceEntry, 'connected'> = { id: SIMULATOR_ID, label: 'Simulated board', transport: 'sim', detail: 'in-process board speaking VBP' };
    const strap: Omit<DeviceEntry, 'connected'> = { id: STRAP_ID, label: 'Simulated chest strap', transport: 'sim', detail: "Heart Rate Service strap sharing the simulated board's heart" };
    const ports = await this.ports();
    return [sim, strap, ...ports.map(serialEntry), ...(this.options.sessions?.() ?? []).map(playbackEntry)];
  }

  /** Why the last port scan failed, if it did (shown by `vitalscope devices`). */
  get lastScanError(): string | null {
    return this.scanError;
  }

  async open(id: string, options: ConnectOptions = {}): Promise<OpenedDevice | OpenedGattDevice> {
    const { now, virtualTime } = this.options;
    if (id === SIMULATOR_ID) {
      const pipe = new SimTransport(this.options.simulator ?? {}, now, virtualTime);
      this.simBoard = pipe;
      return { label: pipe.label, transport: 'sim', pipe };
    }
    if (id === STRAP_ID) {
      const heart = { ...DEFAULT_SIMULATOR, ...this.options.simulator, heartOrigin: this.simBoard?.startedAt ?? now() };
      return { label: 'Simulated chest strap', transport: 'sim', gatt: { open: async () => new SimulatedStrap(heart, now, virtualTime), reconnects: false } };
    }
    if (id.startsWith(BLE_REPLAY_PREFIX) && id.length > BLE_REPLAY_PREFIX.length) {
      const file = id.slice(BLE_REPLAY_PREFIX.length);
      const entries = readGattLog(file);
      const peripheral = new ReplayPeripheral(file, entries, now, virtualTime);
      return { label: peripheral.name, transport: 'ble', gatt: { open: async () => peripheral, reconnects: false } };
    }
    if (id.startsWith(BLE_PREFIX) && id.length > BLE_PREFIX.length) {
      const wanted = id.slice(BLE_PREFIX.length);
      const first = await this.ble.peripheral(wanted);
      let opened = false;
      // The first open hands over the peripheral found; a reconnect finds it again (its address may be random).
      const open = async () => (opened ? this.ble.peripheral(wanted) : ((opened = true), first));
      return { label: first.name || first.address, transport: 'ble', gatt: { open, reconnects: true } };
    }
    if (id.startsWith(SERIAL_PREFIX) && id.length > SERIAL_PREFIX.length) {
      const path = id.slice(SERIAL_PREFIX.length);
      const baud = options.baud ?? DEFAULT_BAUD;
      const pipe = await openSerialPort(path, baud);
      const known = (this.cached?.ports ?? []).find((p) => p.path === path);
      const reopen = async (): Promise<ByteTransport> => {
        try {
          return await openSerialPort(path, baud);
        } catch (error) {
          // A USB board may come back under another name (ttyACM0 -> ttyACM1): find it by its ids.
          const moved = known ? await findReturnedPort(known) : null;
          if (moved && moved !== path) return openSerialPort(moved, baud);
          throw error;
        }
      };
      const label = known ? serialEntry(known).label : path.replace(/^\/dev\//, '');
      return { label, transport: 'serial', pipe, reopen, port: { path, baud } };
    }
    throw new Error(
      `unknown device "${id}": expected ${SIMULATOR_ID}, ${STRAP_ID}, ${SERIAL_PREFIX}<port path> (e.g. ${SERIAL_PREFIX}/dev/ttyACM0), ${BLE_PREFIX}<address or name>, ${BLE_REPLAY_PREFIX}<file.jsonl> or ${PLAYBACK_PREFIX}<session id>`,
    );
  }

  private async ports(): Promise<SerialPortEntry[]> {
    if (this.cached && Date.now() - this.cached.at < LIST_CACHE_MS) return this.cached.ports;
    try {
      const ports = await (this.options.listPorts ?? listSerialPorts)();
      this.scanError = null;
      this.cached = { at: Date.now(), ports };
    } catch (error) {
      this.scanError = `cannot list serial ports: ${(error as Error).message}`;
      this.cached = { at: Date.now(), ports: [] };
    }
    return this.cached.ports;
  }
}

function playbackEntry(s: PlayableSession): Omit<DeviceEntry, 'connected'> {
  const length = s.endedAt === null ? '' : ` · ${formatLength(s.endedAt - s.startedAt)}`;
  return { id: `${PLAYBACK_PREFIX}${s.id}`, label: playbackLabel(s), transport: 'playback', detail: `recorded ${new Date(s.startedAt * 1000).toISOString().slice(0, 16).replace('T', ' ')} UTC${length}` };
}

function formatLength(seconds: number): string {
  if (seconds < 120) return `${seconds.toFixed(0)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(0)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

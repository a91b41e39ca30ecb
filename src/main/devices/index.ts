import type { DeviceEntry, TransportKind } from '../../shared/types';
import type { SimulatorOptions } from './simulator/board';
import { SimTransport } from './simulator/sim-transport';
import type { ByteTransport } from './transport';

export type { ByteTransport } from './transport';
export { SimulatedBoard, DEFAULT_SIMULATOR, type SimulatorOptions } from './simulator/board';

export const SIMULATOR_ID = 'sim';

export interface OpenedDevice {
  label: string;
  transport: TransportKind;
  pipe: ByteTransport;
}

export interface DeviceCatalogOptions {
  simulator?: Partial<SimulatorOptions>;
  now: () => number;
}

/** Lists the devices a user can connect to and opens their byte pipes. */
export class DeviceCatalog {
  constructor(private readonly options: DeviceCatalogOptions) {}

  async list(): Promise<Omit<DeviceEntry, 'connected'>[]> {
    return [{ id: SIMULATOR_ID, label: 'Simulated board', transport: 'sim', detail: 'in-process board speaking VBP' }];
  }

  async open(id: string): Promise<OpenedDevice> {
    if (id === SIMULATOR_ID) {
      const pipe = new SimTransport(this.options.simulator ?? {}, this.options.now);
      return { label: pipe.label, transport: 'sim', pipe };
    }
    throw new Error(`unknown device "${id}": expected one of: ${SIMULATOR_ID}`);
  }
}

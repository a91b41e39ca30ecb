import type { DeviceDescriptor } from '../../protocols/vbp';
import { PhysiologySimulator, type PhysiologyOptions } from './signals';

export type SimulatorProfile = 'wearable' | 'bench16';
export const SIMULATOR_PROFILES: readonly SimulatorProfile[] = ['wearable', 'bench16'];

export type SimulatorSignalOptions = Pick<PhysiologyOptions, 'seed' | 'hrBpm' | 'spo2' | 'noise' | 'motionArtifacts' | 'ecgBursts' | 'respRateBpm'>;

/** Fills `out` with the next n samples, channel-major (channel c at out[c*n .. c*n+n)), physical units. */
export interface StreamSource {
  fill(n: number, out: Float64Array): void;
}

const ECG_LSB_UV = 0.2861;
const ACC_LSB_G = 0.000122;
const GYRO_LSB_DPS = 0.0153;

/**
 * The boards the simulator can pretend to be. `wearable` is the PROTOCOL.md example board (ECG
 * 500 Hz i24, PPG red/IR 100 Hz i32, IMU 6-axis 100 Hz i16); `bench16` is one 16-channel ECG
 * stream at 1 kHz, the live-view benchmark's load.
 */
export function createSources(options: SimulatorSignalOptions & { profile: SimulatorProfile }): {
  descriptor: DeviceDescriptor;
  sources: StreamSource[];
} {
  const device = { name: 'Simulated board', model: `VS-SIM-${options.profile}`, firmware: '1.0.0', serial: `SIM${options.seed}` };
  if (options.profile === 'bench16') return bench16(options, device);
  const body = new PhysiologySimulator({ ...options, ecgRateHz: 500, ppgRateHz: 100, imuRateHz: 100 });
  const descriptor: DeviceDescriptor = {
    device,
    streams: [
        { id: 0, name: 'ecg', kind: 'ecg', rate: 500, format: 'i24', channels: [{ label: 'Lead I', unit: 'uV', scale: ECG_LSB_UV, offset: 0 }] },
        {
          id: 1,
          name: 'ppg',
          kind: 'ppg',
          rate: 100,
          format: 'i32',
          channels: [
            { label: 'red', unit: 'counts', scale: 1, offset: 0 },
            { label: 'ir', unit: 'counts', scale: 1, offset: 0 },
          ],
        },
        {
          id: 2,
          name: 'imu',
          kind: 'imu',
          rate: 100,
          format: 'i16',
          channels: [
            ...['ax', 'ay', 'az'].map((label) => ({ label, unit: 'g', scale: ACC_LSB_G, offset: 0 })),
            ...['gx', 'gy', 'gz'].map((label) => ({ label, unit: 'dps', scale: GYRO_LSB_DPS, offset: 0 })),
          ],
        },
      ],
  };
  return {
    descriptor,
    sources: [
      { fill: (n, out) => body.nextEcg(out, n) },
      { fill: (n, out) => body.nextPpg(out, n) },
      { fill: (n, out) => body.nextImu(out, n) },
    ],
  };
}

function bench16(options: SimulatorSignalOptions, device: DeviceDescriptor['device']) {
  const channels = 16;
  const body = new PhysiologySimulator({ ...options, ecgRateHz: 1000 });
  // One synthetic heart seen through 16 leads: cheap to generate, different on every channel.
  const gains = Array.from({ length: channels }, (_, c) => 0.4 + 0.08 * c * (c % 2 ? -1 : 1));
  const descriptor: DeviceDescriptor = {
    device,
    streams: [
        {
          id: 0,
          name: 'ecg16',
          kind: 'ecg',
          rate: 1000,
          format: 'i24',
          channels: gains.map((_, c) => ({ label: `ch${c + 1}`, unit: 'uV', scale: ECG_LSB_UV, offset: 0 })),
        },
      ],
  };
  return {
    descriptor,
    sources: [
      {
        fill: (n: number, out: Float64Array) => {
          body.nextEcg(out, n);
          for (let c = channels - 1; c >= 0; c--) for (let i = 0; i < n; i++) out[c * n + i] = out[i] * gains[c];
        },
      },
    ],
  };
}

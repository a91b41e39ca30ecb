import type { StreamInfo } from '../../shared/types';

/**
 * What each pipeline needs of a stream. The lower rates come from the filters (ECG's QRS band is
 * 5-40 Hz, PPG's pulse band reaches 8 Hz, the step band 3 Hz, each under 0.45 x the rate); the upper
 * one bounds the pipelines' buffers, which are all sized by rate x seconds.
 */
const NEEDS = {
  ecg: { label: 'ECG', minHz: 100, minChannels: 1 },
  ppg: { label: 'PPG', minHz: 16, minChannels: 1 },
  imu: { label: 'IMU', minHz: 10, minChannels: 3 },
} as const;
export const MAX_ANALYSIS_HZ = 10_000;

/** Why the live analysis cannot analyse `s` (e.g. "ECG at 40 Hz is below 100 Hz"), or null when it can or has no pipeline for its kind. */
export function unsupportedReason(s: StreamInfo): string | null {
  if (s.kind !== 'ecg' && s.kind !== 'ppg' && s.kind !== 'imu') return null;
  const need = NEEDS[s.kind];
  const rate = `${need.label} at ${Number(s.rate.toPrecision(6))} Hz`;
  if (!(s.rate >= need.minHz)) return `${rate} is below ${need.minHz} Hz`;
  if (!(s.rate <= MAX_ANALYSIS_HZ)) return `${rate} is above ${MAX_ANALYSIS_HZ} Hz`;
  if (s.channels.length < need.minChannels) {
    return `${need.label} with ${s.channels.length} channel${s.channels.length === 1 ? '' : 's'} needs ${need.minChannels} (x, y, z)`;
  }
  return null;
}

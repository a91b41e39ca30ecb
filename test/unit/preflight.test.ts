import { describe, expect, it } from 'vitest';
import { parseRequiredStreams } from '../../src/shared/preflight';
import { PreflightCheck, type PreflightInput } from '../../src/main/study/preflight';
import { preflightAtRecord } from '../../src/main/study/session-preflight';
import type { DeviceStats, Numeric, Quality, StreamInfo } from '../../src/shared/types';

const ecg: StreamInfo = { key: 'sim/ecg', deviceId: 'sim', name: 'ecg', kind: 'ecg', rate: 500, channels: [{ label: 'ecg', unit: 'mV' }] };
const ppg: StreamInfo = { key: 'sim/ppg', deviceId: 'sim', name: 'ppg', kind: 'ppg', rate: 100, channels: [{ label: 'red', unit: '' }] };

/** One observation: the simulated board streaming ECG and PPG at `rates`, rated `quality`, with `lost` packets of 1000. */
function input(now: number, rates: { ecg: number; ppg: number }, quality: Quality | null, lost = 0): PreflightInput {
  const device: DeviceStats = {
    deviceId: 'sim',
    label: 'Simulated board',
    transport: 'sim',
    state: 'streaming',
    clockOffsetMs: 0,
    driftPpm: 0,
    decodeErrors: { crc: 0, cobs: 0, oversize: 0, malformed: 0 },
    streams: [
      { key: 'sim/ecg', nominalRate: 500, measuredRate: rates.ecg, samples: 0, packets: 100 * now, packetsLost: lost * now },
      { key: 'sim/ppg', nominalRate: 100, measuredRate: rates.ppg, samples: 0, packets: 100 * now, packetsLost: 0 },
    ],
  };
  const numerics: Numeric[] = [
    { key: 'sim/ecg', name: 'hr', label: 'HR (ECG)', value: 60, unit: 'bpm', quality },
    { key: 'sim/ppg', name: 'hr', label: 'HR (PPG)', value: 60, unit: 'bpm', quality: 'good' },
  ];
  return { now, streams: [ecg, ppg], devices: [device], numerics };
}

describe('pre-flight rules', () => {
  it('passes a rate 1.9 % off its nominal one and fails one 2.1 % off, saying by how much', () => {
    const check = new PreflightCheck(['ecg', 'ppg']);
    const near = check.observe(input(10, { ecg: 500 * 1.019, ppg: 100 * 0.981 }, 'good'));
    expect(near.items.map((i) => i.status)).toEqual(['ok', 'ok']);
    expect(near.passed).toBe(true);
    const off = check.observe(input(11, { ecg: 500, ppg: 100 * 0.979 }, 'good'));
    expect(off.passed).toBe(false);
    expect(off.items[1]).toEqual({ stream: 'ppg', status: 'poor', key: 'sim/ppg', why: 'ppg: running at 97.9 Hz, 2.1 % under its nominal 100 Hz' });
    expect(check.observe(input(12, { ecg: 500 * 1.021, ppg: 100 }, 'good')).items[0].why).toBe('ecg: running at 510.5 Hz, 2.1 % over its nominal 500 Hz');
  });

  it('calls a required stream nobody streams missing', () => {
    const result = new PreflightCheck(['imu', 'ecg']).observe(input(5, { ecg: 500, ppg: 100 }, 'good'));
    expect(result.items[0]).toEqual({ stream: 'imu', status: 'missing', why: 'imu: not connected' });
    expect(result.items[1].status).toBe('ok');
    expect(result.passed).toBe(false);
  });

  it('calls a stream of a device that is reconnecting missing', () => {
    const seen = input(5, { ecg: 500, ppg: 100 }, 'good');
    seen.devices = [{ ...seen.devices[0], state: 'reconnecting' }];
    expect(new PreflightCheck(['ecg']).observe(seen).items[0]).toMatchObject({ status: 'missing', why: 'ecg: Simulated board is reconnecting' });
  });

  it('holds a stream poor while it is rated poor and for 3 s after, and until it is rated at all', () => {
    const check = new PreflightCheck(['ecg']);
    expect(check.observe(input(0, { ecg: 500, ppg: 100 }, null)).items[0].why).toMatch(/^ecg: no signal quality rating yet/);
    expect(check.observe(input(1, { ecg: 500, ppg: 100 }, 'poor')).items[0]).toMatchObject({ status: 'poor' });
    expect(check.observe(input(4, { ecg: 500, ppg: 100 }, 'poor')).items[0].why).toBe('ecg: signal quality poor for the last 3 s (HR (ECG) rated poor by the live analysis)');
    const after = check.observe(input(5, { ecg: 500, ppg: 100 }, 'good')).items[0];
    expect(after.status).toBe('poor');
    expect(after.why).toMatch(/for 1 s only; 3 s needed/);
    expect(check.observe(input(6.5, { ecg: 500, ppg: 100 }, 'fair')).items[0].status).toBe('poor');
    expect(check.observe(input(7, { ecg: 500, ppg: 100 }, 'fair')).items[0]).toMatchObject({ status: 'ok', why: 'ecg: 500 Hz (nominal 500 Hz), quality fair' });
  });

  it('fails a stream losing more than 1 % of its packets over the last 3 s', () => {
    const check = new PreflightCheck(['ecg']);
    check.observe(input(1, { ecg: 500, ppg: 100 }, 'good', 2));
    // 2 lost per 100 received: 2 / 102 of the packets.
    expect(check.observe(input(4, { ecg: 500, ppg: 100 }, 'good', 2)).items[0].why).toBe('ecg: 2.0 % of packets lost in the last 3 s');
    expect(new PreflightCheck(['ecg']).observe(input(4, { ecg: 500, ppg: 100 }, 'good', 0.5)).items[0].status).toBe('ok');
  });

  it('refuses to record on a failed check without a reason, and keeps the reason with one', () => {
    const failed = new PreflightCheck(['imu']).observe(input(1, { ecg: 500, ppg: 100 }, 'good'));
    expect(() => preflightAtRecord(failed, '  ')).toThrow('the pre-flight check has not passed (imu: not connected): wait for it, or override it with a reason');
    expect(preflightAtRecord(failed, ' no IMU today ')).toEqual({ result: failed, override: 'no IMU today' });
    expect(preflightAtRecord(null, undefined)).toBeNull();
  });

  it('reads required streams from a comma list and refuses names that are not stream names', () => {
    expect(parseRequiredStreams('ECG, ppg,,ecg')).toEqual(['ecg', 'ppg']);
    expect(() => parseRequiredStreams('ecg,heart rate')).toThrow('"heart rate" is not a stream name');
  });
});

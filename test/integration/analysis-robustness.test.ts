import { afterEach, describe, expect, it } from 'vitest';
import { StreamBus } from '../../src/main/acquisition/stream-bus';
import { AnalysisHost } from '../../src/main/analysis/analysis-host';
import type { Chunk, StreamInfo } from '../../src/shared/types';
import { until } from '../helpers/until';

const stream = (name: string, kind: StreamInfo['kind'], rate: number, channels = 1): StreamInfo => ({
  key: `b/${name}`,
  deviceId: 'b',
  name,
  kind,
  rate,
  channels: Array.from({ length: channels }, (_, i) => ({ label: `c${i}`, unit: '' })),
});


/** A worker that dies as it starts: what a crash on every stream set looks like from the host. */
const CRASHING = { code: "throw new Error('boom at start')", eval: true };

describe('analysis worker robustness (real worker threads)', () => {
  let host: AnalysisHost | undefined;
  afterEach(async () => {
    await host?.close();
    host = undefined;
  });

  it('marks streams no pipeline can take unsupported with the reason and analyses the healthy one, without a restart', async () => {
    const bus = new StreamBus();
    const derived: Chunk[] = [];
    bus.subscribe({ chunk: (c) => c.key.endsWith('.metrics') && derived.push(c) });
    host = new AnalysisHost(bus, () => 0);
    const good = stream('ecg', 'ecg', 250);
    bus.setStreams('b', [
      stream('slow-ecg', 'ecg', 40),
      stream('ppg', 'ppg', 1),
      stream('imu', 'imu', 5, 2),
      stream('fast-ecg', 'ecg', 1e8, 16),
      good,
    ]);
    const state = host.state;
    const unsupported = await until('the unsupported list', () => (state.unsupported?.length ? state.unsupported : undefined));
    expect(unsupported).toEqual([
      { key: 'b/ppg', reason: 'PPG at 1 Hz is below 16 Hz' },
      { key: 'b/slow-ecg', reason: 'ECG at 40 Hz is below 100 Hz' },
      { key: 'b/imu', reason: 'IMU at 5 Hz is below 10 Hz' },
      { key: 'b/fast-ecg', reason: 'ECG at 100000000 Hz is above 10000 Hz' },
    ]);
    // Two seconds of a 1 Hz sine on the healthy ECG give its 1 Hz metrics stream.
    const n = 250;
    for (let k = 0; k < 3; k++) {
      const data = Float32Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * (k * n + i)) / 250));
      bus.publish({ key: good.key, index: k * n, t0: k, dt: 1 / 250, n, data });
    }
    await until('metrics of the healthy ECG', () => (derived.some((c) => c.key === 'b/ecg.metrics') ? true : undefined));
    expect(state.restarts).toBe(0);
    expect(state.error).toBeUndefined();
  });

  it('names the channel count for an IMU without three axes', async () => {
    const bus = new StreamBus();
    host = new AnalysisHost(bus, () => 0);
    bus.setStreams('b', [stream('imu', 'imu', 50, 2)]);
    const unsupported = await until('the unsupported list', () => (host!.state.unsupported?.length ? host!.state.unsupported : undefined));
    expect(unsupported).toEqual([{ key: 'b/imu', reason: 'IMU with 2 channels needs 3 (x, y, z)' }]);
  });

  it('stops restarting after N crashes within the window, says why, and tries again when the streams change', async () => {
    const bus = new StreamBus();
    host = new AnalysisHost(bus, () => 0, undefined, { entry: CRASHING, restart: { firstDelayMs: 10, maxCrashes: 3, windowMs: 60_000 } });
    const state = host.state;
    const stopped = await until('the analysis to stop', () => state.stopped);
    expect(state.restarts).toBe(3);
    expect(stopped).toMatch(/^the analysis stopped after 3 crashes within 60 s \(last: boom at start\)/);
    // No further restarts while stopped: wait well past the delays that would have followed.
    await new Promise((r) => setTimeout(r, 300));
    expect(state.restarts).toBe(3);
    bus.setStreams('b', [stream('ecg', 'ecg', 250)]);
    await until('a new try after the stream change', () => (state.restarts > 3 ? true : undefined));
  });

  it('a worker that ran stably before crashing starts the count over, so it is never stopped', async () => {
    const bus = new StreamBus();
    host = new AnalysisHost(bus, () => 0, undefined, { entry: CRASHING, restart: { firstDelayMs: 10, maxCrashes: 3, stableMs: 0 } });
    await until('six crashes', () => (host!.state.restarts >= 6 ? true : undefined));
    expect(host.state.stopped).toBeUndefined();
  });
});

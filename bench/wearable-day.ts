/**
 * The 24-hour wearable session both review benches use: the board's streams, recorded through a
 * real Recorder on virtual time (so the pyramid, the clock record and the re-timing are the live
 * ones).
 */
import { StreamBus } from '../src/main/acquisition/stream-bus';
import { Prng } from '../src/main/devices/simulator/signals/prng';
import type { Library } from '../src/main/storage/library';
import { Recorder } from '../src/main/storage/recorder';
import type { StreamInfo } from '../src/shared/types';

export const DAY = 86_400;
const START = 1_900_000_000;

const channels = (labels: string[], unit: string) => labels.map((label) => ({ label, unit }));
export const STREAMS: StreamInfo[] = [
  { key: 'w/ecg', deviceId: 'w', name: 'ecg', kind: 'ecg', rate: 500, channels: channels(['I'], 'mV') },
  { key: 'w/ppg', deviceId: 'w', name: 'ppg', kind: 'ppg', rate: 100, channels: channels(['red', 'ir'], 'au') },
  { key: 'w/imu', deviceId: 'w', name: 'imu', kind: 'imu', rate: 100, channels: channels(['ax', 'ay', 'az', 'gx', 'gy', 'gz'], 'g') },
];

/** A few blocks of varied samples per stream, cycled: generating a day of values is not what is measured. */
function blocks(info: StreamInfo, n: number): Float32Array[] {
  const random = new Prng(info.rate + info.channels.length);
  return Array.from({ length: 16 }, () => Float32Array.from({ length: n * info.channels.length }, () => random.next() * 2 - 1));
}

/**
 * Records `seconds` of the wearable board through a Recorder on virtual time, committing every
 * 250 ms of data as the live recorder does; `packetsPerSecond` chunks per stream arrive between.
 * Returns the session, the seconds the recording took, and of those the stop (the pyramid's tail
 * and the re-timing of every chunk).
 */
export function recordWearable(library: Library, seconds: number, packetsPerSecond: number, pyramid: boolean): { sessionId: number; seconds: number; stopSeconds: number } {
  const bus = new StreamBus();
  bus.setStreams('w', STREAMS);
  let now = START;
  const recorder = new Recorder(
    { library, bus, now: () => now, describeDevice: (id) => ({ key: id, label: 'wearable', transport: 'sim', descriptor: {} }), flushIntervalMs: 1e9, pyramid },
    'review-storage bench',
    '',
  );
  const perFlush = packetsPerSecond / 4;
  const plans = STREAMS.map((info) => {
    const n = info.rate / packetsPerSecond;
    return { info, n, data: blocks(info, n), index: 0 };
  });
  const started = performance.now();
  for (let flush = 0; flush < seconds * 4; flush++) {
    for (let p = 0; p < perFlush; p++) {
      for (const plan of plans) {
        const { info, n } = plan;
        // The board's clock: device seconds from 0, its packets arriving 1 ms after their last sample.
        const dev0 = plan.index / info.rate;
        const obsDev = dev0 + (n - 1) / info.rate;
        const clock = { dev0, epoch: 0, obsDev, arrival: START + obsDev + 0.001, offset: START, drift: 0 };
        bus.publish({ key: info.key, index: plan.index, t0: START + dev0, dt: 1 / info.rate, n, data: plan.data[(plan.index / n) % 16], clock });
        plan.index += n;
      }
    }
    now = START + (flush + 1) / 4;
    recorder.flush();
  }
  const stopping = performance.now();
  recorder.stop();
  const ended = performance.now();
  return { sessionId: recorder.state.sessionId, seconds: (ended - started) / 1000, stopSeconds: (ended - stopping) / 1000 };
}


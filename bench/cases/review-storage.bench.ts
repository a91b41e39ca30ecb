import { join } from 'node:path';
import { StreamBus } from '../../src/main/acquisition/stream-bus';
import { Prng } from '../../src/main/devices/simulator/signals/prng';
import { Library } from '../../src/main/storage/library';
import { Recorder } from '../../src/main/storage/recorder';
import { readTrack } from '../../src/main/storage/review-queries';
import type { StreamInfo } from '../../src/shared/types';
import { tempDir } from '../../test/helpers/temp-dir';
import type { BenchCase } from '../types';

const DAY = 86_400;
const START = 1_900_000_000;
/** The ingest comparison records this much, as packets of 50 a second, with and without the pyramid. */
const INGEST_S = 1800;
const INGEST_RUNS = 6;
const READS = 200;
const COLUMNS = 1500;

const channels = (labels: string[], unit: string) => labels.map((label) => ({ label, unit }));
const STREAMS: StreamInfo[] = [
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
function record(library: Library, seconds: number, packetsPerSecond: number, pyramid: boolean): { sessionId: number; seconds: number; stopSeconds: number } {
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

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/**
 * A 24-hour wearable session (ECG 500 Hz, PPG 2 x 100 Hz, IMU 6 x 100 Hz) recorded into a temp
 * library: 10 s range reads of all three tracks at random positions, the whole-day overview, and
 * the recorder's ingest throughput with the min/max pyramid against without it.
 */
const reviewStorage: BenchCase = {
  name: 'review-storage',
  description: `24 h wearable session (ECG 500 Hz, PPG 2 x 100 Hz, IMU 6 x 100 Hz): range reads, overview, pyramid upkeep`,
  async run() {
    const dir = tempDir('bench-review');
    try {
      const ingest = { with: [] as number[], without: [] as number[] };
      const samples = INGEST_S * STREAMS.reduce((sum, s) => sum + s.rate * s.channels.length, 0);
      // Alternating which goes first, each after a GC; the best run of each counts, as the one least
      // disturbed by the other work of a shared machine.
      for (let run = 0; run < INGEST_RUNS; run++) {
        for (const pyramid of run % 2 ? [true, false] : [false, true]) {
          (globalThis as { gc?: () => void }).gc?.();
          const library = new Library(join(dir.path, `ingest-${run}-${pyramid}.db`));
          const { seconds } = record(library, INGEST_S, 50, pyramid);
          library.close();
          (pyramid ? ingest.with : ingest.without).push(samples / seconds);
        }
      }
      const withRate = Math.max(...ingest.with);
      const withoutRate = Math.max(...ingest.without);

      const library = new Library(join(dir.path, 'day.db'));
      const day = record(library, DAY, 4, true);
      const random = new Prng(42);
      const rangeMs: number[] = [];
      for (let i = 0; i < READS; i++) {
        const t0 = random.next() * (DAY - 10);
        const started = performance.now();
        for (const s of STREAMS) readTrack(library, day.sessionId, s.key, t0, t0 + 10, COLUMNS);
        rangeMs.push(performance.now() - started);
      }
      const overviewMs: number[] = [];
      let level = 0;
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        for (const s of STREAMS) {
          const track = readTrack(library, day.sessionId, s.key, 0, DAY, COLUMNS);
          if (track.mode === 'minmax' && s.key === 'w/ecg') level = track.level;
        }
        overviewMs.push(performance.now() - started);
      }
      library.close();
      return {
        rangeRead10sMedian: { value: percentile(rangeMs, 0.5), unit: 'ms', target: '< 10' },
        rangeRead10sP95: { value: percentile(rangeMs, 0.95), unit: 'ms', target: '< 10' },
        overviewReadMedian: { value: percentile(overviewMs, 0.5), unit: 'ms' },
        overviewLevelEcg: { value: level, unit: 'samples/pt' },
        recordDaySeconds: { value: day.seconds, unit: 's' },
        stopAndRetimeDaySeconds: { value: day.stopSeconds, unit: 's' },
        ingestWithPyramid: { value: withRate, unit: 'samples/s' },
        ingestWithoutPyramid: { value: withoutRate, unit: 'samples/s' },
        pyramidUpkeep: { value: (withoutRate / withRate - 1) * 100, unit: '% of ingest', target: '< 10' },
      };
    } finally {
      dir.cleanup();
    }
  },
};

export default reviewStorage;

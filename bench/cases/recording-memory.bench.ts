import { join } from 'node:path';
import { createEngine } from '../../src/main/engine';
import { tempDir } from '../../test/helpers/temp-dir';
import type { BenchCase } from '../types';

const SPEED = 10;
/** Simulated minutes to record; `BENCH_RSS_MINUTES` shortens it for a quick look. */
const MINUTES = Number(process.env.BENCH_RSS_MINUTES ?? 60);
const WARM_UP_S = 60;

function rssAfterGc(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
}

/**
 * The real engine recording the embedded simulated board for an hour of simulated time, its
 * clock running 10x faster than the wall clock: resident memory after the first simulated
 * minute against the end. A leak of the acquisition or recorder shows as growth.
 */
const recordingMemory: BenchCase = {
  name: 'recording-memory',
  description: `RSS growth recording ${MINUTES} simulated minutes of the wearable board at ${SPEED}x speed`,
  async run() {
    const dir = tempDir('bench-rss');
    const wallStart = performance.now();
    const origin = Date.now() / 1000;
    const now = () => origin + ((performance.now() - wallStart) / 1000) * SPEED;
    const engine = await createEngine({ dbPath: join(dir.path, 'rss.db'), simulator: { seed: 4 }, now });
    try {
      await engine.connect('sim');
      while ((await engine.getStatus()).streams.length === 0) await sleep(10);
      const id = await engine.startRecording({ name: 'memory bench', participant: '' });
      await sleep((WARM_UP_S / SPEED) * 1000);
      const baseline = rssAfterGc();
      await sleep(((MINUTES * 60 - WARM_UP_S) / SPEED) * 1000);
      const end = rssAfterGc();
      const summary = await engine.stopRecording();
      const recordedS = (Date.parse(summary!.endedAt!) - Date.parse(summary!.startedAt)) / 1000;
      const ecg = summary!.streams.find((s) => s.name === 'ecg')!;
      if (summary!.id !== id) throw new Error('recorded another session than started');
      return {
        rssGrowth: { value: (end - baseline) / 2 ** 20, unit: 'MiB', target: '< 50' },
        rssEnd: { value: end / 2 ** 20, unit: 'MiB' },
        simulatedSeconds: { value: recordedS, unit: 's' },
        ecgSampleError: { value: (100 * Math.abs(ecg.samples - ecg.rate * recordedS)) / (ecg.rate * recordedS), unit: '%', target: '< 0.5' },
      };
    } finally {
      await engine.close();
      dir.cleanup();
    }
  },
};

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export default recordingMemory;

import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createEngine } from '../../src/main/engine';
import { startWebFace } from '../../src/main/server';
import { Library } from '../../src/main/storage';
import type { JobState } from '../../src/shared/types';
import { launchChromium } from '../../test/helpers/chromium';
import { writeSyntheticSession } from '../../test/helpers/synthetic-session';
import { tempDir } from '../../test/helpers/temp-dir';
import type { BenchCase } from '../types';

/** Hours of stored 16 ch x 1 kHz data to export; `BENCH_EXPORT_HOURS` shortens it for a quick look. */
const HOURS = Number(process.env.BENCH_EXPORT_HOURS ?? 2);
const CHANNELS = 16;
const RATE = 1000;
const BASELINE_MS = 5000;

/** The renderer's counters (src/renderer/src/live/perf.ts), as seen from page.evaluate. */
type PerfGlobal = { __vitalsPerf: { frames: number } };

/**
 * The desktop situation the export job exists for: while a long session is exported (clicked in
 * the sessions table of the web face in headless Chromium), a live 16 ch x 1 kHz board (`bench16`,
 * no simulated loss) is drawn and recorded. The board must lose nothing, the live view keep its
 * frame rate and the engine's event loop stay free; the export's own throughput is reported too.
 */
const exportDuringAcquisition: BenchCase = {
  name: 'export-during-acquisition',
  description: `export of ${HOURS} h of 16 ch x 1 kHz while a live 16 ch x 1 kHz board is drawn in Chromium and recorded`,
  async run() {
    const chromiumPath = process.env.CHROME_PATH ?? '/usr/bin/chromium';
    const dir = tempDir('bench-export');
    const dbPath = join(dir.path, 'library.db');
    const library = new Library(dbPath);
    const stored = writeSyntheticSession(library, { seconds: HOURS * 3600, rate: RATE, channels: CHANNELS, name: 'long stored session' });
    library.close();

    const engine = await createEngine({ dbPath, simulator: { profile: 'bench16', lossPct: 0 } });
    const face = await startWebFace({ engine, port: 0, rendererDir: join(__dirname, '../../out/renderer') });
    const chromium = await launchChromium(chromiumPath);
    const lag = monitorEventLoopDelay({ resolution: 10 });
    try {
      const page = await chromium.context.newPage();
      await page.goto(face.url);
      await page.getByTestId('connect-sim').click();
      await page.waitForSelector('canvas[data-stream="sim/ecg16"]');
      await page.waitForTimeout(2000); // warm-up: JIT, first autoscale
      const recording = await engine.startRecording({ name: 'live during export', participant: '' });

      const frames = () => page.evaluate(() => ({ frames: (globalThis as unknown as PerfGlobal).__vitalsPerf.frames, t: performance.now() }));
      const fps = (a: { frames: number; t: number }, b: { frames: number; t: number }) => ((b.frames - a.frames) * 1000) / (b.t - a.t);
      // The same live view and recording without an export, for comparison.
      const baselineStart = await frames();
      await page.waitForTimeout(BASELINE_MS);
      const baseline = fps(baselineStart, await frames());

      const ended = new Promise<JobState>((resolve) =>
        engine.subscribe({ status: (s) => s.jobs.forEach((j) => j.sessionId === stored.sessionId && j.state !== 'running' && resolve(j)) }),
      );
      const before = await frames();
      lag.enable();
      await page.getByTestId(`export-${stored.sessionId}`).click();
      const job = await ended;
      lag.disable();
      const after = await frames();

      const status = await engine.getStatus();
      const summary = await engine.stopRecording();
      if (job.state !== 'done') throw new Error(`the export did not finish: ${job.error ?? job.state}`);
      if (summary?.id !== recording) throw new Error('recorded another session than started');
      const exportS = (job.endedAt! - job.startedAt) / 1000;
      const live = summary.streams.find((s) => s.name === 'ecg16')!;
      const recordedS = (Date.parse(summary.endedAt!) - Date.parse(summary.startedAt)) / 1000;
      const lost = status.devices.flatMap((d) => d.streams).reduce((sum, s) => sum + s.packetsLost, 0);
      return {
        livePacketsLost: { value: lost, unit: 'packets', target: '<= 0' },
        liveViewFps: { value: fps(before, after), unit: 'frames/s', target: '>= 55' },
        liveViewFpsWithoutExport: { value: baseline, unit: 'frames/s' },
        recordedSampleError: { value: (100 * Math.abs(live.samples - RATE * recordedS)) / (RATE * recordedS), unit: '%', target: '< 0.5' },
        engineLoopLagP99: { value: lag.percentile(99) / 1e6, unit: 'ms' },
        engineLoopLagMax: { value: lag.max / 1e6, unit: 'ms' },
        exportSeconds: { value: exportS, unit: 's' },
        exportSamplesPerSecond: { value: (stored.samples * CHANNELS) / exportS, unit: 'values/s' },
        exportThroughput: { value: job.progress.bytesWritten / 2 ** 20 / exportS, unit: 'MiB/s' },
      };
    } finally {
      await chromium.close();
      await face.close();
      await engine.close();
      dir.cleanup();
    }
  },
};

export default exportDuringAcquisition;

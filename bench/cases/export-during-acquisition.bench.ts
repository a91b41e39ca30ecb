import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createEngine } from '../../src/main/engine';
import { Library } from '../../src/main/storage';
import type { JobState } from '../../src/shared/types';
import { writeSyntheticSession } from '../../test/helpers/synthetic-session';
import { tempDir } from '../../test/helpers/temp-dir';
import { framesPerSecond, withLiveView } from '../live-view-page';
import type { BenchCase } from '../types';

/** Hours of stored 16 ch x 1 kHz data to export; `BENCH_EXPORT_HOURS` shortens it for a quick look. */
const HOURS = Number(process.env.BENCH_EXPORT_HOURS ?? 2);
const CHANNELS = 16;
const RATE = 1000;
const BASELINE_MS = 5000;

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
    const dir = tempDir('bench-export');
    const dbPath = join(dir.path, 'library.db');
    const library = new Library(dbPath);
    const stored = writeSyntheticSession(library, { seconds: HOURS * 3600, rate: RATE, channels: CHANNELS, name: 'long stored session' });
    library.close();

    const engine = await createEngine({ dbPath, simulator: { profile: 'bench16', lossPct: 0 } });
    const lag = monitorEventLoopDelay({ resolution: 10 });
    try {
      return await withLiveView(engine, async (page, count) => {
        const recording = await engine.startRecording({ name: 'live during export', participant: '' });
        // The same live view and recording without an export, for comparison.
        const baselineStart = await count();
        lag.enable();
        await page.waitForTimeout(BASELINE_MS);
        lag.disable();
        const baseline = framesPerSecond(baselineStart, await count());
        const baselineLag = { p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 };
        lag.reset();

        const ended = new Promise<JobState>((resolve) =>
          engine.subscribe({ status: (s) => s.jobs.forEach((j) => j.sessionId === stored.sessionId && j.state !== 'running' && resolve(j)) }),
        );
        const before = await count();
        lag.enable();
        // Started as the Sessions view's button does (that view is another route than Live).
        await engine.exportSession(stored.sessionId, { format: 'csv' });
        const job = await ended;
        lag.disable();
        const after = await count();

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
          liveViewFps: { value: framesPerSecond(before, after), unit: 'frames/s', target: '>= 55' },
          liveViewFpsWithoutExport: { value: baseline, unit: 'frames/s' },
          recordedSampleError: { value: (100 * Math.abs(live.samples - RATE * recordedS)) / (RATE * recordedS), unit: '%', target: '< 0.5' },
          engineLoopLagP99: { value: lag.percentile(99) / 1e6, unit: 'ms' },
          engineLoopLagMax: { value: lag.max / 1e6, unit: 'ms' },
          engineLoopLagP99WithoutExport: { value: baselineLag.p99, unit: 'ms' },
          engineLoopLagMaxWithoutExport: { value: baselineLag.max, unit: 'ms' },
          exportSeconds: { value: exportS, unit: 's' },
          exportSamplesPerSecond: { value: (stored.samples * CHANNELS) / exportS, unit: 'values/s' },
          exportThroughput: { value: job.progress.bytesWritten / 2 ** 20 / exportS, unit: 'MiB/s' },
        };
      });
    } finally {
      await engine.close();
      dir.cleanup();
    }
  },
};

export default exportDuringAcquisition;

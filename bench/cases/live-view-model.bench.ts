import { join } from 'node:path';
import { framesPerSecond, withBench16LiveView, type FrameCount } from '../live-view-page';
import type { BenchCase } from '../types';

const PVC = join(__dirname, '../../resources/models/pvc/pvc.onnx');
const SECONDS = 10;

/**
 * The live-view bench (16 ch x 1 kHz ECG in headless Chromium) with the bundled PVC model attached
 * to that stream, run on every detected beat, and the session recorded: the slowest second's frame
 * rate, and whether the model or the recorder lost anything.
 */
const liveViewModel: BenchCase = {
  name: 'live-view-model',
  description: 'Chromium live view of a 16 ch x 1 kHz simulated ECG with the bundled PVC model attached, recording: fps per second, model and recorder losses',
  run() {
    return withBench16LiveView(async (engine, page, count) => {
      const model = await engine.attachModel(PVC, 'sim/ecg16');
      await engine.startRecording({ name: 'bench', participant: '' });
      await page.waitForTimeout(2000);
      const counts: FrameCount[] = [await count()];
      for (let s = 0; s < SECONDS; s++) {
        await page.waitForTimeout(1000);
        counts.push(await count());
      }
      const perSecond = counts.slice(1).map((c, k) => framesPerSecond(counts[k], c));
      const status = await engine.getStatus();
      const state = status.analysis.models!.find((m) => m.id === model.id)!;
      const dropped = (status.recording?.queue?.streams ?? []).reduce((n, s) => n + s.droppedSamples, 0);
      const lost = status.devices.flatMap((d) => d.streams).reduce((n, s) => n + s.packetsLost, 0);
      await engine.stopRecording();
      if (state.error) throw new Error(`the model failed: ${state.error}`);
      return {
        fps: { value: framesPerSecond(counts[0], counts.at(-1)!), unit: 'frames/s', target: '>= 55' },
        slowestSecondFps: { value: Math.min(...perSecond), unit: 'frames/s', target: '>= 55' },
        modelWindows: { value: state.windows, unit: 'beats' },
        modelLatencyP99: { value: state.latencyMs?.p99 ?? NaN, unit: 'ms' },
        modelSkippedSlow: { value: state.skippedSlow, unit: 'windows', target: '<= 0' },
        recorderDropped: { value: dropped, unit: 'samples', target: '<= 0' },
        packetsLost: { value: lost, unit: 'packets', target: '<= 0' },
      };
    });
  },
};

export default liveViewModel;

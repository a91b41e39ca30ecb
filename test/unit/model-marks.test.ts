import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelHost } from '../../src/main/analysis/inference/model-host';
import { LiveAnalysis } from '../../src/main/analysis/live-analysis';
import { StreamBus, UiPublisher } from '../../src/main/acquisition';
import { PhysiologySimulator } from '../../src/main/devices/simulator/signals';
import { MODEL_MARK_COLORS, drawModelMarks } from '../../src/renderer/src/live/draw-model-marks';
import { LiveStore } from '../../src/renderer/src/live/live-store';
import type { LiveFrame } from '../../src/shared/api';
import type { Chunk, SessionEvent, StreamInfo } from '../../src/shared/types';
import { until } from '../helpers/until';

const MODELS = join(__dirname, '../fixtures/models');
const FS = 250;
const STREAM: StreamInfo = { key: 'b/ecg', deviceId: 'b', name: 'ecg', kind: 'ecg', rate: FS, channels: [{ label: 'I', unit: 'uV' }] };

/** 30 s of simulated ECG at 72 bpm with 0.3 s cut out after the R peak nearest 15 s: the next beat comes early. Returns it and the early beat's sample. */
function ecgWithEarlyBeat(): { x: Float32Array; early: number } {
  const sim = new PhysiologySimulator({ ecgRateHz: FS, ppgRateHz: 100, imuRateHz: 100, seed: 11, hrBpm: 72 });
  const raw = new Float64Array(FS * 30);
  sim.nextEcg(raw, raw.length);
  const beats = sim.ecg.drainBeats();
  const k = beats.findIndex((b) => b > 15 * FS);
  const [from, to] = [beats[k] + Math.round(0.4 * FS), beats[k] + Math.round(0.7 * FS)];
  const x = Float32Array.from([...raw.subarray(0, from), ...raw.subarray(to)]);
  return { x, early: beats[k + 1] - (to - from) };
}

describe('model marks on the live trace', () => {
  it('the analysis leaves a model mark where the model says V, and none where it says N', async () => {
    const host = await ModelHost.load(join(MODELS, 'beat-rr.onnx'));
    const chunks: Chunk[] = [];
    const events: SessionEvent[] = [];
    const live = new LiveAnalysis({ streams: () => undefined, chunk: (c) => chunks.push(c), event: (e) => events.push(e), models: () => undefined });
    live.setStreams([STREAM]);
    live.attachModel('m', host, STREAM.key);
    const { x, early } = ecgWithEarlyBeat();
    for (let i = 0; i + 25 <= x.length; i += 25) live.push({ key: STREAM.key, index: i, t0: i / FS, dt: 1 / FS, n: 25, data: x.slice(i, i + 25) });
    const outputs = await until('the model to run on most beats', () => {
      const s = live.modelStates()[0];
      return s.queue === 0 && s.windows > 20 ? chunks.filter((c) => c.key === 'b/ecg.beat-rr') : undefined;
    });
    const v = outputs.filter((c) => c.data[1] > 0.5);
    const n = outputs.filter((c) => c.data[1] <= 0.5);
    // The early beat (pre/local ~ 0.64) is V; the rest, at a steady 72 bpm, are N.
    expect(v.map((c) => Math.round(c.t0 * FS))).toEqual([expect.closeTo(early, -1)]);
    expect(n.length).toBeGreaterThan(20);
    const marks = events.filter((e) => e.model);
    expect(marks).toEqual([{ kind: 'marker', key: 'b/ecg', t: v[0].t0, duration: 0, text: 'beat-rr: V', model: { name: 'beat-rr', label: 'V' } }]);
    await live.detachModel('m');
  });

  it('the UI publisher sends a model marker as a model mark, and a user marker not at all', () => {
    const bus = new StreamBus();
    const frames: LiveFrame[] = [];
    const publisher = new UiPublisher(bus, (f) => frames.push(f), () => 100);
    bus.publishEvent({ kind: 'marker', key: 'b/ecg', t: 12.5, duration: 0, text: 'pvc: V', model: { name: 'pvc', label: 'V' } });
    bus.publishEvent({ kind: 'marker', key: 'b/ecg', t: 13, duration: 0, text: 'pvc: V' });
    bus.publishEvent({ kind: 'beat', key: 'b/ecg', t: 12.5, duration: 0, text: '' });
    publisher.flush();
    publisher.close();
    expect(frames.map((f) => f.marks)).toEqual([
      [
        { key: 'b/ecg', t: 12.5, kind: 'model', model: 'pvc', label: 'V' },
        { key: 'b/ecg', t: 12.5, kind: 'beat' },
      ],
    ]);
  });

  it('the strip chart draws a model mark as its class letter, apart from the beat ticks, and keeps it while paused', () => {
    const store = new LiveStore();
    store.setStreams([STREAM]);
    const data = new Float32Array(FS * 4).map((_, i) => Math.sin(i / 10));
    store.push({
      sentAt: Date.now(),
      blocks: [{ key: STREAM.key, t0: 100, dt: 1 / FS, n: data.length, channels: 1, data, arrivedAt: Date.now() }],
      marks: [
        { key: STREAM.key, t: 101, kind: 'beat' },
        { key: STREAM.key, t: 102, kind: 'beat' },
        { key: STREAM.key, t: 102, kind: 'model', model: 'pvc', label: 'V' },
        { key: STREAM.key, t: 102.5, kind: 'model', model: 'other', label: 'AF' },
        // Outside the 2 s window drawn below.
        { key: STREAM.key, t: 99, kind: 'model', model: 'pvc', label: 'V' },
      ],
    });
    const paused = store.snapshot();
    store.clear();
    // Beat ticks stay beat marks; model marks are kept apart, per model and class.
    expect(paused.marks(STREAM.key)!.length).toBe(2);
    const sets = paused.modelMarks(STREAM.key)!;
    expect(sets.map((s) => [s.model, s.label, s.marks.length])).toEqual([
      ['pvc', 'V', 2],
      ['other', 'AF', 1],
    ]);
    const texts: { text: string; x: number; y: number; color: unknown }[] = [];
    const ctx = { font: '', textAlign: '', textBaseline: '', fillStyle: '' as unknown, fillText: (text: string, x: number, y: number) => texts.push({ text, x, y, color: ctx.fillStyle }) };
    // A 2 s window over 200 px: t = 102 at x = 100.
    const drawn = drawModelMarks(ctx, sets, 101, 103, (t) => (t - 101) * 100, 12);
    expect(drawn).toBe(2);
    expect(texts).toEqual([
      { text: 'V', x: 100, y: 12, color: MODEL_MARK_COLORS[0] },
      { text: 'AF', x: 150, y: 12, color: MODEL_MARK_COLORS[1] },
    ]);
  });
});

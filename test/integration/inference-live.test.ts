import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BeatRefiner, refineBeats } from '../../src/main/analysis/dsp/ecg/beat-refine';
import { inferInput } from '../../src/main/analysis/inference/infer';
import { MAX_QUEUE } from '../../src/main/analysis/inference/live-model';
import { ModelHost } from '../../src/main/analysis/inference/model-host';
import { LiveAnalysis } from '../../src/main/analysis/live-analysis';
import { PhysiologySimulator } from '../../src/main/devices/simulator/signals';
import { createEngine, type Engine } from '../../src/main/engine';
import { Library } from '../../src/main/storage/library';
import type { Chunk, EngineStatus, ModelState, SessionEvent, StreamInfo } from '../../src/shared/types';
import { tempDir } from '../helpers/temp-dir';
import { until } from '../helpers/until';

const MODELS = join(__dirname, '../fixtures/models');
const FS = 250;
const STREAM: StreamInfo = { key: 'b/ecg', deviceId: 'b', name: 'ecg', kind: 'ecg', rate: FS, channels: [{ label: 'I', unit: 'uV' }] };

/** A LiveAnalysis in this thread, collecting what it derives. */
function liveAnalysis() {
  const chunks: Chunk[] = [];
  const events: SessionEvent[] = [];
  let streams: StreamInfo[] = [];
  let models: ModelState[] = [];
  const live = new LiveAnalysis({ streams: (s) => (streams = s), chunk: (c) => chunks.push(c), event: (e) => events.push(e), models: (m) => (models = m) });
  live.setStreams([STREAM]);
  return { live, chunks, events, streams: () => streams, models: () => models };
}

/** `seconds` of simulated ECG at FS, with samples [lostFrom, lostTo) lost. */
function ecg(seconds: number, seed: number): Float32Array {
  const sim = new PhysiologySimulator({ ecgRateHz: FS, ppgRateHz: 100, imuRateHz: 100, seed });
  const x = new Float64Array(FS * seconds);
  sim.nextEcg(x, x.length);
  return Float32Array.from(x);
}

/** Pushes samples [from, to) of `x` in 0.1 s chunks (host time = sample / FS), leaving out the chunks in `lost`: an index jump. */
function pushAll(live: LiveAnalysis, x: Float32Array, lost: [number, number] | null, from = 0, to = x.length): void {
  const n = FS / 10;
  for (let i = from; i < to; i += n) {
    if (lost && i >= lost[0] && i < lost[1]) continue;
    live.push({ key: STREAM.key, index: i, t0: i / FS, dt: 1 / FS, n, data: x.slice(i, i + n) });
  }
}

describe('a model on a live stream, in process', () => {
  it('runs once per detected beat, refined as offline, with its RR values from the refined beats, skipping the gap, and marks its display classes', async () => {
    const host = await ModelHost.load(join(MODELS, 'beat-rr.onnx'));
    const { live, chunks, events, streams } = liveAnalysis();
    const state = live.attachModel('m1', host, STREAM.key);
    expect(state.outputKey).toBe('b/ecg.beat-rr');
    expect(streams().find((s) => s.key === 'b/ecg.beat-rr')).toMatchObject({ rate: 0, derivedFrom: 'b/ecg', channels: [{ label: 'p(N)' }, { label: 'p(V)' }] });
    const lost: [number, number] = [20 * FS, 22 * FS];
    const x = ecg(40, 4);
    pushAll(live, x, lost);
    const outputs = await until('the queue to drain', () => {
      const s = live.modelStates()[0];
      return s.queue === 0 && s.windows > 0 ? chunks.filter((c) => c.key === 'b/ecg.beat-rr') : undefined;
    });
    await new Promise((r) => setTimeout(r, 50));
    // Host time = sample / FS here, so the beat events give the detected beats' samples. The model
    // sees them refined as the offline analysis refines them, once their look-ahead has come.
    const { lookAhead } = new BeatRefiner(FS);
    const detected = events.filter((e) => e.kind === 'beat').map((e) => Math.round(e.t * FS)).filter((p) => p + lookAhead < x.length);
    const beats = refineBeats(x.map((v, i) => (i >= lost[0] && i < lost[1] ? NaN : v)), FS, detected);
    expect(beats.filter((b, k) => b !== detected[k]).length).toBeGreaterThan(0);
    const s = live.modelStates()[0];
    expect(s.skippedGap).toBeGreaterThan(0);
    // Every refined beat but the last (it waits for the next one, for its post RR) was run, skipped at the gap, or dropped as the queue was full.
    expect(outputs.length + s.skippedGap + s.skippedSlow).toBe(beats.length - 1);
    const rr = (j: number) => (beats[j] - beats[j - 1]) / FS;
    let checked = 0;
    for (const c of outputs) {
      const i = beats.indexOf(Math.round(c.t0 * FS));
      expect(i).toBeGreaterThan(0);
      // No window (0.2 s before, 0.28 s after, and the resampler's margin) reaches into the lost 20-22 s.
      expect(beats[i] + 0.3 * FS < lost[0] || beats[i] - 0.22 * FS > lost[1]).toBe(true);
      expect(c.data[0] + c.data[1]).toBeCloseTo(1, 5);
      // By hand, where 10 clean intervals precede the beat: logits [10 pre/local, 9].
      if (i >= 11 && (beats[i - 10] > lost[1] || beats[i] < lost[0])) {
        const local = Array.from({ length: 10 }, (_, k) => rr(i - k)).reduce((a, b) => a + b) / 10;
        const z = Math.exp(9 - (10 * rr(i)) / local);
        expect(c.data[0]).toBeCloseTo(1 / (1 + z), 5);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
    expect(s.latencyMs!.p99).toBeGreaterThanOrEqual(s.latencyMs!.p50);
    const marks = events.filter((e) => e.kind === 'marker');
    expect(marks.length).toBe(outputs.filter((c) => c.data[1] > 0.5).length);
    for (const m of marks) expect(m).toMatchObject({ key: 'b/ecg', text: 'beat-rr: V' });
    await live.detachModel('m1');
    expect(streams().some((x) => x.key === 'b/ecg.beat-rr')).toBe(false);
    expect(live.modelStates()).toEqual([]);
  });

  it('skips windows when the model is slower than the samples come, with bounded queue, and never feeds a gap', async () => {
    const host = await ModelHost.load(join(MODELS, 'window-stats.onnx'));
    const { live, chunks } = liveAnalysis();
    live.attachModel('m2', host, STREAM.key);
    // 60 s pushed at once: no run can finish in between, so the queue fills and the rest is dropped.
    const x = ecg(60, 5);
    const lost: [number, number] = [30 * FS, 30 * FS + 25];
    pushAll(live, x, lost);
    const s = live.modelStates()[0];
    expect(s.queue).toBeLessThanOrEqual(MAX_QUEUE);
    expect(s.skippedSlow).toBeGreaterThan(0);
    await until('the queue to drain', () => (live.modelStates()[0].queue === 0 ? true : undefined));
    const done = live.modelStates()[0];
    // The same windows as offline over the signal with the lost stretch as NaN: each run, dropped as too slow, or skipped at the gap.
    const channel = { label: 'I', unit: 'uV', fs: FS, data: Float32Array.from(x).fill(NaN, lost[0], lost[1]) };
    const offline = await inferInput(host, { source: 'x', streams: [{ kind: 'ecg', fs: FS, channels: [channel] }], channels: [channel], notes: [] });
    expect(done.skippedGap).toBe(offline.skipped.gap);
    expect(done.skippedGap).toBeGreaterThan(0);
    expect(done.windows + done.skippedSlow).toBe(offline.outputs.length);
    const out = chunks.filter((c) => c.key === 'b/ecg.window-stats');
    expect(out.length).toBe(done.windows);
    // The windows run first are the first offline ones, to the value.
    out.slice(0, MAX_QUEUE).forEach((c, k) => {
      expect(c.t0).toBeCloseTo(offline.outputs[k].t, 6);
      expect(c.data[1]).toBeCloseTo(offline.outputs[k].probs![1], 5);
    });
    await live.detachModel('m2');
  });

  it('unloads a model whose run throws, with its error, and goes on analysing', async () => {
    const host = await ModelHost.load(join(MODELS, 'runtime-error.onnx'));
    const { live, chunks, streams, models } = liveAnalysis();
    live.attachModel('m3', host, STREAM.key);
    const x = ecg(20, 6);
    pushAll(live, x, null, 0, 10 * FS);
    const failed = await until('the model to fail', () => models().find((m) => m.error));
    expect(failed).toMatchObject({ id: 'm3', name: 'runtime-error' });
    expect(failed.error).toBe('model runtime-error (runtime-error.onnx) failed: Non-zero status code returned while running Gather node. Name:\'\' Status Message: indices element out of data bounds, idx=150 must be within the inclusive range [-100,99]');
    expect(failed.outputKey).toBeUndefined();
    expect(streams().some((s) => s.key === 'b/ecg.runtime-error')).toBe(false);
    const metricsBefore = chunks.filter((c) => c.key === 'b/ecg.metrics').length;
    pushAll(live, x, null, 10 * FS);
    expect(chunks.filter((c) => c.key === 'b/ecg.metrics').length).toBeGreaterThan(metricsBefore);
    await live.detachModel('m3');
    expect(live.modelStates()).toEqual([]);
  });

  it('refuses a stream that cannot feed the model, saying why', async () => {
    const host = await ModelHost.load(join(MODELS, 'beat-rr.onnx'));
    const { live } = liveAnalysis();
    expect(() => live.attachModel('m4', host, 'b/none')).toThrow('no live stream "b/none"');
    live.setStreams([{ ...STREAM, kind: 'ppg', key: 'b/ppg', name: 'ppg' }, STREAM]);
    expect(() => live.attachModel('m4', host, 'b/ppg')).toThrow('model beat-rr takes ecg; stream b/ppg is ppg');
    await host.close();
  });
});

describe('models attached through the engine', () => {
  const dir = tempDir('models-live');
  let engine: Engine | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  it('runs models on the simulated board in the analysis worker; their outputs are recorded as derived streams', { timeout: 60_000 }, async () => {
    const db = join(dir.path, 'live.db');
    const wall0 = performance.now();
    const origin = Date.now() / 1000;
    engine = await createEngine({ dbPath: db, simulator: { hrBpm: 72, seed: 3, lossPct: 2 }, now: () => origin + ((performance.now() - wall0) / 1000) * 10 });
    await engine.connect('sim');
    const info = await engine.inspectModel(join(MODELS, 'window-stats.onnx'));
    expect(info).toMatchObject({ name: 'window-stats', trigger: 'sliding', labels: ['mean', 'max'] });
    await expect(engine.inspectModel(join(MODELS, 'future-opset.onnx'))).rejects.toThrow(/future-opset\.onnx: no manifest/);
    const id = await engine.startRecording({ name: 'models', participant: '' });
    const sliding = await engine.attachModel(join(MODELS, 'window-stats.onnx'), 'sim/ecg');
    const beats = await engine.attachModel(join(MODELS, 'beat-rr.onnx'), 'sim/ecg');
    const broken = await engine.attachModel(join(MODELS, 'runtime-error.onnx'), 'sim/ecg');
    await expect(engine.attachModel(join(MODELS, 'beat-rr.onnx'), 'sim/ppg')).rejects.toThrow('model beat-rr takes ecg; stream sim/ppg is ppg');
    const model = (s: EngineStatus, m: ModelState) => s.analysis.models?.find((x) => x.id === m.id);
    const status = await until('both models to run and the broken one to fail', async () => {
      const s = await engine!.getStatus();
      return model(s, sliding)!.windows > 6 && model(s, beats)!.windows > 4 && model(s, broken)?.error ? s : undefined;
    });
    expect(model(status, sliding)!.latencyMs!.p50).toBeGreaterThan(0);
    expect(model(status, broken)!.error).toMatch(/indices element out of data bounds/);
    // At 2 % packet loss some 1 s windows hold a lost packet: skipped, never filled.
    await until('a window skipped at a gap', async () => (model(await engine!.getStatus(), sliding)!.skippedGap > 0 ? true : undefined));
    const keys = (await engine.getStatus()).streams.map((s) => s.key);
    expect(keys).toEqual(expect.arrayContaining(['sim/ecg.window-stats', 'sim/ecg.beat-rr']));
    expect(keys).not.toContain('sim/ecg.runtime-error');
    expect((await engine.getStatus()).analysis.restarts).toBe(0);
    await engine.detachModel(broken.id);
    expect((await engine.getStatus()).analysis.models!.map((m) => m.id)).toEqual([sliding.id, beats.id]);
    await engine.stopRecording();
    const library = new Library(db);
    try {
      const session = library.session(id)!;
      const out = session.streams.find((s) => s.name === 'ecg.window-stats')!;
      expect(out.channels.map((c) => c.label)).toEqual(['p(mean)', 'p(max)']);
      const recorded = [...library.chunks(out.id)];
      expect(recorded.reduce((n, c) => n + c.n, 0)).toBeGreaterThan(6);
      for (const c of recorded) for (let i = 0; i < c.n; i++) expect(c.data[i] + c.data[c.n + i]).toBeCloseTo(1, 5);
      expect(session.streams.some((s) => s.name === 'ecg.beat-rr')).toBe(true);
    } finally {
      library.close();
    }
  });

  it('runs its models again in a restarted analysis worker', { timeout: 60_000 }, async () => {
    engine = await createEngine({ dbPath: join(dir.path, 'restart.db'), simulator: { hrBpm: 72, seed: 4 } });
    await engine.connect('sim');
    const attached = await engine.attachModel(join(MODELS, 'window-stats.onnx'), 'sim/ecg');
    const windows = async () => (await engine!.getStatus()).analysis.models?.find((m) => m.id === attached.id)?.windows ?? 0;
    await until('a first window', async () => ((await windows()) > 0 ? true : undefined));
    // A malformed message makes the analysis throw inside its worker thread.
    (engine as unknown as { analysis: { worker: { postMessage(m: unknown): void } } }).analysis.worker.postMessage({ type: 'chunk', chunk: { key: 'sim/ecg', n: 4, data: null } });
    await until('the restart', async () => ((await engine!.getStatus()).analysis.restarts > 0 ? true : undefined));
    // The new worker counts from nothing: windows again means the model runs there.
    await until('windows in the new worker', async () => {
      const s = await engine!.getStatus();
      const m = s.analysis.models?.find((x) => x.id === attached.id);
      return m && !m.error && m.windows > 0 && s.streams.some((x) => x.key === 'sim/ecg.window-stats') && s.analysis.restarts > 0 ? true : undefined;
    });
  });
});

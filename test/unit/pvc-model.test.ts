/**
 * The bundled PVC model as shipped: its graph loads in onnxruntime-node, agrees with its manifest,
 * and reproduces the outputs scripts/train_pvc.py recorded from it on a few beats' inputs (in the
 * fixture). No torch needed; the checks through the host need the MIT-BIH records.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadManifest, recordBeats } from '../../scripts/pvc-dataset';
import { inferInput } from '../../src/main/analysis/inference/infer';
import { LiveAnalysis } from '../../src/main/analysis/live-analysis';
import { readWfdbRecord } from '../../src/main/analysis/offline/load-input';
import type { Chunk, StreamInfo } from '../../src/shared/types';
import { until } from '../helpers/until';
import { parseManifest, type ModelManifest } from '../../src/main/analysis/inference/manifest';
import { ModelHost } from '../../src/main/analysis/inference/model-host';
import { loadInput } from '../../src/main/analysis/offline/load-input';
import { findSharedData } from '../helpers/shared-data';

const DIR = join(__dirname, '..', '..', 'resources', 'models', 'pvc');
const MODEL = join(DIR, 'pvc.onnx');
const fixture = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'pvc-model-outputs.json'), 'utf8')) as { signal: number[][]; template: number[][]; rr: number[][]; probs: number[][] };

type Tensor = Extract<ort.InferenceSession.ValueMetadata, { isTensor: true }>;

describe('bundled PVC model', () => {
  let session: ort.InferenceSession;
  let manifest: ModelManifest;
  beforeAll(async () => {
    manifest = parseManifest(JSON.parse(readFileSync(`${MODEL}.json`, 'utf8')), `${MODEL}.json`);
    session = await ort.InferenceSession.create(MODEL);
  });

  const signalInput = () => manifest.inputs.find((i) => i.source === 'signal')!;
  const rrInput = () => manifest.inputs.find((i) => i.source === 'rr')!;
  const templateInput = () => manifest.inputs.find((i) => i.source === 'template')!;
  const meta = (name: string, list: readonly ort.InferenceSession.ValueMetadata[]) => {
    const m = list.find((v) => v.name === name);
    expect(m, `graph value ${name}`).toBeDefined();
    expect(m!.isTensor).toBe(true);
    return m as Tensor;
  };

  it('is a beat-triggered N/V classifier that marks V', () => {
    expect(manifest.trigger.type).toBe('beats');
    expect(manifest.output).toMatchObject({ type: 'classes', labels: ['N', 'V'], activation: 'softmax' });
    expect(manifest.display.marks).toEqual(['V']);
  });

  it('has exactly the inputs and output its manifest names, with matching shapes', () => {
    expect([...session.inputNames].sort()).toEqual(manifest.inputs.map((i) => i.name).sort());
    expect(session.outputNames).toEqual([manifest.output.name]);
    const s = signalInput();
    if (s.source !== 'signal') throw new Error('unreachable');
    const width = Math.round(s.before * s.rate) + Math.round(s.after * s.rate);
    const sig = meta(s.name, session.inputMetadata);
    expect(sig.type).toBe('float32');
    expect(typeof sig.shape[0]).toBe('string'); // a dynamic batch axis
    expect(sig.shape.slice(1)).toEqual(s.layout === 'NCW' ? [s.channels, width] : [width, s.channels]);
    expect(meta(templateInput().name, session.inputMetadata).shape.slice(1)).toEqual(sig.shape.slice(1));
    const r = rrInput();
    if (r.source !== 'rr') throw new Error('unreachable');
    expect(meta(r.name, session.inputMetadata).shape.slice(1)).toEqual([r.values.length]);
    const out = meta(manifest.output.name, session.outputMetadata);
    expect(manifest.output.type === 'classes' && out.shape.slice(1)).toEqual([2]);
    expect(fixture.signal[0]).toHaveLength(width);
  });

  const run = async (rows: number[]) => {
    const width = fixture.signal[0].length;
    const feeds = {
      [signalInput().name]: new ort.Tensor('float32', Float32Array.from(rows.flatMap((k) => fixture.signal[k])), [rows.length, 1, width]),
      [templateInput().name]: new ort.Tensor('float32', Float32Array.from(rows.flatMap((k) => fixture.template[k])), [rows.length, 1, width]),
      [rrInput().name]: new ort.Tensor('float32', Float32Array.from(rows.flatMap((k) => fixture.rr[k])), [rows.length, fixture.rr[0].length]),
    };
    const out = (await session.run(feeds))[manifest.output.name];
    return Array.from(out.data as Float32Array);
  };

  it('reproduces the recorded probabilities to 1e-5, as one batch and beat by beat', async () => {
    const rows = fixture.probs.map((_, k) => k);
    const batch = await run(rows);
    expect(batch).toHaveLength(rows.length * 2);
    for (const k of rows) {
      const single = await run([k]);
      for (let c = 0; c < 2; c++) {
        expect(Math.abs(batch[2 * k + c] - fixture.probs[k][c]), `beat ${k} class ${c}`).toBeLessThan(1e-5);
        expect(Math.abs(single[c] - fixture.probs[k][c]), `beat ${k} class ${c} alone`).toBeLessThan(1e-5);
      }
      expect(batch[2 * k] + batch[2 * k + 1]).toBeCloseTo(1, 5);
    }
    // The fixture is worth checking only if the model tells its beats apart.
    const v = fixture.probs.map((p) => p[1]);
    expect(Math.max(...v) - Math.min(...v)).toBeGreaterThan(0.5);
  });
});

describe('bundled PVC model through the inference host', () => {
  const data = findSharedData(['ecg/mitdb/119.hea', 'ecg/mitdb/119.dat']);
  it.skipIf(!data)('loads in the host and labels every beat of a DS1 record N or V, finding its bigeminy', { timeout: 60_000 }, async () => {
    const host = await ModelHost.load(MODEL);
    // MIT-BIH 119 (DS1, a training record: this checks the host feeds the model as trained, not accuracy).
    const result = await inferInput(host, loadInput(join(data!, 'ecg/mitdb/119.hea')));
    const v = result.outputs.filter((o) => o.label === 'V').length;
    expect(result.outputs.length).toBeGreaterThan(1900);
    expect(result.outputs.every((o) => o.label === 'N' || o.label === 'V')).toBe(true);
    // 119 has 444 ventricular beats among ~1990.
    expect(v).toBeGreaterThan(350);
    expect(v).toBeLessThan(550);
  });

  it.skipIf(!data)('is fed the same tensors by the dataset builder, the offline host and the live host', { timeout: 60_000 }, async () => {
    const host = await ModelHost.load(MODEL);
    const record = join(data!, 'ecg/mitdb/119.hea');
    // The dataset builder's beats of the first 2 minutes (past the 50-beat RR and 31-beat template history).
    const beats = recordBeats('119', loadManifest()).beats.filter((b) => b.sample < 120 * 360);
    expect(beats.length).toBeGreaterThan(100);
    const fromDataset = await host.run(beats.map((b) => b.window));
    const offline = new Map((await inferInput(host, loadInput(record))).outputs.map((o) => [o.sample, o.probs!]));
    beats.forEach((b, k) => {
      const p = offline.get(b.sample);
      expect(p, `beat at ${b.sample} offline`).toBeDefined();
      expect(Math.abs(p![1] - fromDataset[k].probs![1]), `beat at ${b.sample}`).toBeLessThan(1e-6);
    });
    // Live: the record pushed second by second through the analysis, each second's runs awaited.
    const stream: StreamInfo = { key: 'r/ecg', deviceId: 'r', name: 'ecg', kind: 'ecg', rate: 360, channels: [{ label: 'MLII', unit: 'mV' }] };
    const chunks: Chunk[] = [];
    const live = new LiveAnalysis({ streams: () => undefined, chunk: (c) => chunks.push(c), event: () => undefined, models: () => undefined });
    live.setStreams([stream]);
    live.attachModel('pvc', host, stream.key);
    const x = readWfdbRecord(record).signals[0].data;
    for (let i = 0; i < 125 * 360; i += 360) {
      live.push({ key: stream.key, index: i, t0: i / 360, dt: 1 / 360, n: 360, data: Float32Array.from(x.subarray(i, i + 360)) });
      await until('the model to keep up', () => live.modelStates()[0].queue === 0 || undefined);
    }
    expect(live.modelStates()[0].skippedSlow).toBe(0);
    // The live host refines each detected beat as the offline analysis does, on the raw samples
    // around it, so its windows are cut at the offline beat's sample (unrefined, wide V beats of
    // this bigeminy sat up to ~10 samples off, a third of all beats). The chunks' times are exact
    // here, so an output's time gives its sample back.
    const liveOut = chunks.filter((c) => c.key === 'r/ecg.pvc').map((c) => ({ sample: Math.round(c.t0 * 360), p: c.data[1] }));
    const compared = liveOut.filter((o) => o.sample < 120 * 360);
    const offlineBeats = [...offline.keys()].filter((s) => s < 120 * 360);
    expect(compared.length).toBeGreaterThanOrEqual(0.99 * offlineBeats.length);
    const same = compared.filter((o) => offline.has(o.sample));
    expect(same.length, 'live beats at the offline sample').toBeGreaterThanOrEqual(0.99 * compared.length);
    for (const o of same) expect(Math.abs(o.p - offline.get(o.sample)![1]), `beat at ${o.sample} live`).toBeLessThan(1e-4);
    await live.detachModel('pvc');
  });
});

/**
 * The bundled PVC model as shipped: its graph loads in onnxruntime-node, agrees with its manifest,
 * and reproduces the outputs scripts/train_pvc.py recorded from it on synthetic inputs. No torch
 * and no recorded data needed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { inferInput } from '../../src/main/analysis/inference/infer';
import { parseManifest, type ModelManifest } from '../../src/main/analysis/inference/manifest';
import { ModelHost } from '../../src/main/analysis/inference/model-host';
import { loadInput } from '../../src/main/analysis/offline/load-input';
import { findSharedData } from '../helpers/shared-data';

const DIR = join(__dirname, '..', '..', 'resources', 'models', 'pvc');
const MODEL = join(DIR, 'pvc.onnx');
const fixture = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'pvc-model-outputs.json'), 'utf8')) as { signal: number[][]; rr: number[][]; probs: number[][] };

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
});

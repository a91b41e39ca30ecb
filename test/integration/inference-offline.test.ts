import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inferInput } from '../../src/main/analysis/inference/infer';
import { ModelHost, softmax } from '../../src/main/analysis/inference/model-host';
import { analyzeEcg } from '../../src/main/analysis/offline/analyze';
import type { LoadedInput } from '../../src/main/analysis/offline/load-input';
import { PhysiologySimulator } from '../../src/main/devices/simulator/signals';
import { cliOn } from '../helpers/cli';
import { tempDir } from '../helpers/temp-dir';

const MODELS = join(__dirname, '../fixtures/models');
const dir = tempDir('infer');
afterAll(() => dir.cleanup());

/** A copy of fixture `model` in the temp dir with its manifest changed by `edit` (or replaced by `manifest`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a manifest edited as plain JSON, invalid on purpose in some tests
function variant(model: string, name: string, edit: (m: Record<string, any>) => void, manifestOf = model): string {
  const file = join(dir.path, `${name}.onnx`);
  copyFileSync(join(MODELS, `${model}.onnx`), file);
  const m = JSON.parse(readFileSync(join(MODELS, `${manifestOf}.onnx.json`), 'utf8'));
  edit(m);
  writeFileSync(`${file}.json`, JSON.stringify(m));
  return file;
}

async function loadError(file: string): Promise<string> {
  const error = await ModelHost.load(file).then(
    () => null,
    (e: Error) => e,
  );
  expect(error).toBeInstanceOf(Error);
  expect(error!.message).not.toContain('\n');
  return error!.message;
}

function ecgInput(fs: number, seconds: number, seed: number): { input: LoadedInput; data: Float32Array } {
  const sim = new PhysiologySimulator({ ecgRateHz: fs, ppgRateHz: 100, imuRateHz: 100, seed });
  const x = new Float64Array(fs * seconds);
  sim.nextEcg(x, x.length);
  const data = Float32Array.from(x);
  const channel = { label: 'ECG', unit: 'uV', fs, data };
  return { input: { source: 'test', streams: [{ kind: 'ecg', fs, channels: [channel] }], channels: [channel], notes: [] }, data };
}

describe('loading a model against its manifest', () => {
  it('loads a matching model and runs it: the logits softmaxed, the label the most probable', async () => {
    const model = await ModelHost.load(join(MODELS, 'window-stats.onnx'));
    const a = Float32Array.from({ length: 100 }, (_, i) => i / 100);
    const b = Float32Array.from({ length: 100 }, () => 2);
    const [ra, rb] = await model.run([{ signal: a }, { signal: b }]);
    softmax([0.495, 0.99]).forEach((p, k) => expect(ra.probs![k]).toBeCloseTo(p, 5));
    expect(ra.label).toBe('max');
    expect(rb.probs).toEqual([0.5, 0.5]);
    await model.close();
  });

  it('names the file and the field when manifest and graph disagree', async () => {
    expect(await loadError(variant('window-stats', 'wrong-name', (m) => (m.inputs[0].name = 'signal')))).toMatch(/wrong-name\.onnx\.json: inputs\[0\]\.name: "signal" is not an input of wrong-name\.onnx \(its inputs: "x"\)/);
    expect(await loadError(variant('window-stats', 'two-ch', (m) => (m.inputs[0].channels = 2)))).toMatch(/two-ch\.onnx\.json: inputs\[0\]: the graph's "x" is \[N, 1, 100\], the manifest gives \[batch, 2, 100\]/);
    expect(await loadError(variant('window-stats', 'rate', (m) => (m.inputs[0].rate = 50)))).toMatch(/inputs\[0\]: .*\[batch, 1, 50\].*50 samples = \(before \+ after\) x rate/);
    expect(await loadError(variant('window-stats', 'nwc', (m) => (m.inputs[0].layout = 'NWC')))).toMatch(/inputs\[0\]: .*\[batch, 100, 1\]/);
    expect(await loadError(variant('window-stats', 'out', (m) => (m.output.name = 'probs')))).toMatch(/output\.name: "probs" is not an output .*"logits"/);
    expect(await loadError(variant('window-stats', 'labels', (m) => (m.output.labels = ['a', 'b', 'c'])))).toMatch(/output: the graph's "logits" is \[N, 2\], the manifest gives \[batch, 3\]/);
    const noRr = variant('beat-rr', 'no-rr', (m) => m.inputs.pop());
    expect(await loadError(noRr)).toMatch(/no-rr\.onnx\.json: inputs: the graph's input "rr" is missing from the manifest/);
    expect(await loadError(variant('beat-rr', 'rr-len', (m) => m.inputs[1].values.pop()))).toMatch(/inputs\[1\]: the graph's "rr" is \[N, 3\], the manifest gives \[batch, 2\]/);
    // A template (the median of recent beats' windows) needs beats, as rr does.
    expect(await loadError(variant('window-stats', 'tmpl', (m) => m.inputs.push({ name: 't', source: 'template', beats: 8 })))).toMatch(/tmpl\.onnx\.json: inputs: "template" inputs need trigger "beats"/);
  });

  it('says what is wrong with a file that is not ONNX, an unsupported opset, a bad or missing manifest', async () => {
    const junk = join(dir.path, 'junk.onnx');
    writeFileSync(junk, 'this is not a model');
    copyFileSync(join(MODELS, 'window-stats.onnx.json'), `${junk}.json`);
    expect(await loadError(junk)).toBe(`${junk}: not an ONNX model (protobuf parsing failed)`);
    const opset = variant('future-opset', 'opset', () => undefined, 'window-stats');
    expect(await loadError(opset)).toMatch(/opset\.onnx: opset 99 is not supported \(onnxruntime supports ai\.onnx up to opset \d+\)/);
    expect(await loadError(variant('window-stats', 'layout', (m) => (m.inputs[0].layout = 'CWN')))).toMatch(/layout\.onnx\.json: not a valid model manifest: .*inputs\[0\]\.layout/);
    const bare = join(dir.path, 'bare.onnx');
    copyFileSync(join(MODELS, 'window-stats.onnx'), bare);
    expect(await loadError(bare)).toMatch(/bare\.onnx: no manifest bare\.onnx\.json beside it/);
    expect(await loadError(join(dir.path, 'absent.onnx'))).toMatch(/absent\.onnx: no such model file/);
  });
});

describe('a model over a whole input', () => {
  it('slides every hop: one output per window, at its centre, computed from the resampled window', async () => {
    const model = await ModelHost.load(join(MODELS, 'window-stats.onnx'));
    const { input, data } = ecgInput(100, 6, 1);
    const r = await inferInput(model, input);
    // 1 s windows ending every 0.5 s at 1, 1.5, ..., 6 s (the last is samples 500-599): centres 0.5 s earlier.
    expect(r.outputs.map((o) => o.sample)).toEqual([50, 100, 150, 200, 250, 300, 350, 400, 450, 500, 550]);
    expect(r.outputs[0].t).toBe(0.5);
    const w = data.subarray(300, 400);
    const mean = w.reduce((s, v) => s + v, 0) / 100;
    const max = w.reduce((m, v) => Math.max(m, v), -Infinity);
    softmax([mean / 1000, max / 1000]).forEach((p, k) => expect(r.outputs[6].probs![k]).toBeCloseTo(p, 5));
    await model.close();
  });

  it('runs once per detected beat with its RR values, skipping windows that touch lost samples', async () => {
    const model = await ModelHost.load(join(MODELS, 'beat-rr.onnx'));
    const { input, data } = ecgInput(250, 40, 3);
    data.fill(NaN, 20 * 250, 22 * 250);
    const ecg = analyzeEcg(input.streams[0].channels[0]);
    const r = await inferInput(model, input);
    expect(r.skipped.gap + r.skipped.rr).toBeGreaterThan(0);
    expect(r.outputs.length).toBe(ecg.beats.length - r.skipped.gap - r.skipped.edge - r.skipped.rr);
    const beats = new Set(ecg.beats);
    for (const o of r.outputs) {
      expect(beats.has(o.sample)).toBe(true);
      // No window (0.2 s before, 0.28 s after) reaches into the lost 20-22 s.
      expect(o.sample + 0.28 * 250 < 20 * 250 || o.sample - 0.2 * 250 > 22 * 250).toBe(true);
      expect(o.label).toBe(o.probs![1] > 0.5 ? 'V' : 'N');
    }
    // By hand, for a beat with 10 clean intervals before it: logits [10 pre/local, 9].
    const i = 12;
    expect(ecg.beats[i] < 20 * 250).toBe(true);
    const rr = (j: number) => (ecg.beats[j] - ecg.beats[j - 1]) / 250;
    const local = Array.from({ length: 10 }, (_, k) => rr(i - k)).reduce((a, b) => a + b) / 10;
    const out = r.outputs.find((o) => o.sample === ecg.beats[i])!;
    softmax([(10 * rr(i)) / local, 9]).forEach((p, k) => expect(out.probs![k]).toBeCloseTo(p, 5));
    await model.close();
  });

  it('keeps the RR values across a lost stretch too short to hide a beat, as HR does', async () => {
    const model = await ModelHost.load(join(MODELS, 'beat-rr.onnx'));
    const { input, data } = ecgInput(250, 20, 3);
    const clean = analyzeEcg(input.streams[0].channels[0]).beats;
    const whole = await inferInput(model, input);
    // 40 ms lost midway between beats 10 and 11, away from both beats' windows.
    const mid = Math.round((clean[10] + clean[11]) / 2);
    data.fill(NaN, mid - 5, mid + 5);
    const r = await inferInput(model, input);
    expect(r.skipped).toEqual(whole.skipped);
    expect(r.outputs.map((o) => o.sample)).toContain(clean[11]);
    // 80 ms could hide a beat: the intervals across it are broken, so beat 11 has no pre RR and beat 10 no post.
    data.fill(NaN, mid - 10, mid + 10);
    const broken = await inferInput(model, input);
    expect(broken.skipped).toEqual({ ...whole.skipped, rr: whole.skipped.rr + 2 });
    expect(broken.outputs.map((o) => o.sample)).not.toContain(clean[11]);
    await model.close();
  });

  it('is the CLI contract: --json and --csv outputs, and a broken model is one line on stderr with exit 1', async () => {
    const cli = cliOn(join(dir.path, 'lib.db'));
    const { data } = ecgInput(250, 20, 5);
    const csv = join(dir.path, 'rec.csv');
    writeFileSync(csv, ['time,ECG', ...Array.from(data, (v, i) => `${i / 250},${v.toFixed(3)}`)].join('\n'));
    const json = await cli('infer', join(MODELS, 'beat-rr.onnx'), csv, '--json');
    expect(json.code).toBe(0);
    const r = JSON.parse(json.stdout);
    expect(r.model).toBe('beat-rr');
    expect(r.outputs.length).toBeGreaterThan(15);
    for (const o of r.outputs) {
      expect(Object.keys(o).sort()).toEqual(['label', 'probs', 'sample', 't']);
      expect(o.t).toBeCloseTo(o.sample / 250, 5);
      expect(['N', 'V']).toContain(o.label);
    }
    const table = await cli('infer', join(MODELS, 'beat-rr.onnx'), csv, '--csv');
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toBe('t,sample,label,p_N,p_V');
    expect(lines.length).toBe(r.outputs.length + 1);
    expect(lines[1].split(',').slice(0, 3)).toEqual([String(r.outputs[0].t), String(r.outputs[0].sample), r.outputs[0].label]);
    const junk = join(dir.path, 'broken.onnx');
    writeFileSync(junk, 'not a model');
    copyFileSync(join(MODELS, 'beat-rr.onnx.json'), `${junk}.json`);
    const broken = await cli('infer', junk, csv, '--json');
    expect(broken.code).toBe(1);
    expect(broken.stdout).toBe('');
    expect(broken.stderr).toBe(`vitalscope infer: ${junk}: not an ONNX model (protobuf parsing failed)\n`);
  });
});

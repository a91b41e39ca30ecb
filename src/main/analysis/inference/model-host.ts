/**
 * Loads an ONNX model and its manifest (`<model>.onnx.json`), checks the one against the other and
 * runs batches of prepared windows on onnxruntime-node. Every load error is an Error naming the
 * file and the field, never onnxruntime's stack of C++ frames.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import type { ModelManifest } from './manifest';
import { readManifest } from './manifest-file';
import { modelInputs, windowSamples, type RrInput, type SignalInput, type TemplateInput } from './windowing';


/** One window ready for the graph: the signal tensor's values in its layout, and the rr values and template when the model has them. */
export interface ModelWindow {
  signal: Float32Array;
  rr?: Float32Array;
  template?: Float32Array;
}

/** A window's result: class probabilities and the most probable label, or a regression value. */
export interface ModelResult {
  probs?: number[];
  label?: string;
  value?: number;
}

type Dim = number | string;

/** Whether graph dimension `dim` takes `size` (a named or unknown dimension takes any). */
const fits = (dim: Dim | undefined, size: number) => typeof dim !== 'number' || dim < 0 || dim === size;

export class ModelHost {
  private constructor(
    readonly file: string,
    readonly manifest: ModelManifest,
    readonly signal: SignalInput,
    readonly rr: RrInput | undefined,
    readonly template: TemplateInput | undefined,
    /** Windows one run may take: 1 when the graph fixes its batch dimension at 1. */
    readonly maxBatch: number,
    private readonly session: InferenceSession,
  ) {}

  get name(): string {
    return this.manifest.name;
  }

  /**
   * Loads `file` and its sidecar manifest (`file` + ".json"), or throws an Error naming the file and
   * what is wrong. `threads`: onnxruntime's intra-op threads (its default: one per core).
   */
  static async load(file: string, options: { threads?: number } = {}): Promise<ModelHost> {
    const manifest = readManifest(file);
    const sidecar = `${file}.json`;
    let session: InferenceSession;
    try {
      // Severity 4 (fatal only): onnxruntime's own log lines would reach the user's stderr.
      session = await InferenceSession.create(readFileSync(file), { logSeverityLevel: 4, ...(options.threads ? { intraOpNumThreads: options.threads } : {}) });
    } catch (error) {
      throw new Error(`${file}: ${loadFailure((error as Error).message)}`);
    }
    try {
      return ModelHost.check(file, sidecar, manifest, session);
    } catch (error) {
      await session.release();
      throw error;
    }
  }

  private static check(file: string, sidecar: string, manifest: ModelManifest, session: InferenceSession): ModelHost {
    const graphInputs = new Map(session.inputMetadata.map((m) => [m.name, m]));
    const list = (names: readonly string[]) => names.map((n) => `"${n}"`).join(', ');
    manifest.inputs.forEach((input, i) => {
      if (!graphInputs.has(input.name)) throw new Error(`${sidecar}: inputs[${i}].name: "${input.name}" is not an input of ${basename(file)} (its inputs: ${list(session.inputNames)})`);
    });
    for (const name of session.inputNames) {
      if (!manifest.inputs.some((i) => i.name === name)) throw new Error(`${sidecar}: inputs: the graph's input "${name}" is missing from the manifest`);
    }
    if (!session.outputNames.includes(manifest.output.name)) {
      throw new Error(`${sidecar}: output.name: "${manifest.output.name}" is not an output of ${basename(file)} (its outputs: ${list(session.outputNames)})`);
    }
    let maxBatch = Infinity;
    const shapeOf = (name: string, field: string, want: number[], describe: string): void => {
      const meta = graphInputs.get(name) ?? session.outputMetadata.find((m) => m.name === name);
      if (!meta?.isTensor) throw new Error(`${sidecar}: ${field}: "${name}" is not a tensor in the graph`);
      if (meta.type !== 'float32') throw new Error(`${sidecar}: ${field}: "${name}" is ${meta.type} in the graph; the host feeds and reads float32`);
      const shape = meta.shape;
      if (shape.length === 0) return; // unknown rank: checked by the first run
      const [batch, ...rest] = shape;
      const ok = shape.length === want.length + 1 && rest.every((d, k) => fits(d, want[k])) && fits(batch, 1);
      if (!ok) throw new Error(`${sidecar}: ${field}: the graph's "${name}" is [${shape.join(', ')}], the manifest gives [batch, ${want.join(', ')}] (${describe})`);
      if (typeof batch === 'number' && batch > 0) maxBatch = Math.min(maxBatch, batch);
    };
    const { signal, rr, template } = modelInputs(manifest);
    const w = windowSamples(signal);
    manifest.inputs.forEach((input, i) => {
      if (input.source === 'signal' || input.source === 'template') {
        if (w < 1) throw new Error(`${sidecar}: inputs[${i}]: before + after at ${signal.rate} Hz is no sample`);
        const want = signal.layout === 'NCW' ? [signal.channels, w] : [w, signal.channels];
        const what = `${signal.layout}: ${signal.channels} channel(s), ${w} samples = (before + after) x rate`;
        shapeOf(input.name, `inputs[${i}]`, want, input.source === 'signal' ? what : `the signal input's shape, ${what}`);
      } else shapeOf(input.name, `inputs[${i}]`, [input.values.length], `one value per entry of values`);
    });
    const out = manifest.output;
    const outMeta = session.outputMetadata.find((m) => m.name === out.name);
    // A regression may give [batch] or [batch, 1]; classes give [batch, labels].
    if (!(out.type === 'regression' && outMeta?.isTensor && outMeta.shape.length === 1)) {
      shapeOf(out.name, 'output', [out.type === 'classes' ? out.labels.length : 1], out.type === 'classes' ? 'one value per label' : 'one value');
    }
    return new ModelHost(file, manifest, signal, rr, template, maxBatch === Infinity ? 256 : maxBatch, session);
  }

  /** Runs the graph on `windows` (at most `maxBatch`), in order; a failing run throws an Error naming the model. */
  async run(windows: readonly ModelWindow[]): Promise<ModelResult[]> {
    const n = windows.length;
    if (n === 0) return [];
    const s = this.signal;
    const w = windowSamples(s);
    const feeds: Record<string, Tensor> = {};
    const signal = new Float32Array(n * w * s.channels);
    windows.forEach((win, b) => signal.set(win.signal, b * w * s.channels));
    const shape = s.layout === 'NCW' ? [n, s.channels, w] : [n, w, s.channels];
    feeds[s.name] = new Tensor('float32', signal, shape);
    if (this.template) {
      const template = new Float32Array(n * w * s.channels);
      windows.forEach((win, b) => template.set(win.template!, b * w * s.channels));
      feeds[this.template.name] = new Tensor('float32', template, shape);
    }
    if (this.rr) {
      const k = this.rr.values.length;
      const rr = new Float32Array(n * k);
      windows.forEach((win, b) => rr.set(win.rr!, b * k));
      feeds[this.rr.name] = new Tensor('float32', rr, [n, k]);
    }
    let data: Float32Array;
    try {
      const result = await this.session.run(feeds);
      data = result[this.manifest.output.name].data as Float32Array;
    } catch (error) {
      throw new Error(`model ${this.name} (${basename(this.file)}) failed: ${firstLine((error as Error).message)}`);
    }
    const out = this.manifest.output;
    const width = data.length / n;
    if (out.type === 'regression') return Array.from({ length: n }, (_, b) => ({ value: data[b * width] }));
    if (width !== out.labels.length) throw new Error(`model ${this.name} (${basename(this.file)}) gave ${width} values per window for ${out.labels.length} labels`);
    return Array.from({ length: n }, (_, b) => {
      const row = Array.from(data.subarray(b * width, (b + 1) * width));
      const probs = out.activation === 'none' ? softmax(row) : row;
      let best = 0;
      for (let k = 1; k < probs.length; k++) if (probs[k] > probs[best]) best = k;
      return { probs, label: out.labels[best] };
    });
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

export function softmax(x: readonly number[]): number[] {
  const max = Math.max(...x);
  const e = x.map((v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/\/onnxruntime_src\/\S+ \S.*?(?= The |$)/, '').trim();
}

/** onnxruntime's load failure in a user's words. */
function loadFailure(message: string): string {
  if (/protobuf parsing failed/i.test(message)) return 'not an ONNX model (protobuf parsing failed)';
  const opset = /Opset (\d+)[^]*?support for domain (\S+) is till opset (\d+)/.exec(message);
  if (opset) return `opset ${opset[1]} is not supported (onnxruntime supports ${opset[2]} up to opset ${opset[3]})`;
  return `onnxruntime cannot load it: ${firstLine(message)}`;
}

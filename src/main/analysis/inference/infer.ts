/**
 * A model over a whole loaded input (a WFDB record, a CSV file, a recorded session): the windows
 * its trigger asks for, run in batches, one output per window. Beats come from our own ECG
 * pipeline (`analyzeEcg`), the one the live analysis runs.
 */
import { modelOutputRow, modelOutputsHeader } from '../../formats/csv';
import { analyzeEcg } from '../offline/analyze';
import { HIDING_GAP_SEC } from '../pipelines';
import type { LoadedInput } from '../offline/load-input';
import type { ModelHost, ModelResult, ModelWindow } from './model-host';
import { cutWindow, resamplePlan, rrValues, type SignalInput, type WindowRefusal } from './windowing';

export interface InferOutput extends ModelResult {
  /** Seconds from the start of the input. */
  t: number;
  /** Sample index into the input signal: the beat's for a `beats` trigger, the window centre's for `sliding`. */
  sample: number;
}

export interface InferResult {
  model: string;
  source: string;
  /** The stream fed to the model: its kind, rate and first channel's label (and its key, for a session). */
  signal: { kind: string; fs: number; label: string; key?: string };
  outputs: InferOutput[];
  /** Windows not run: touching lost samples (`gap`), past either end (`edge`), or a beat without the RR neighbours the model needs (`rr`). */
  skipped: Record<WindowRefusal | 'rr', number>;
  /** Lost stretches that could hide a beat, as [start, end) samples (beats trigger; none for sliding). */
  gaps: [number, number][];
}

export interface InferOptions {
  /** Called after each batch with the share (0-1) done. */
  onProgress?(fraction: number): void;
}

interface Trigger {
  /** Source sample of the trigger point (a beat, or a sliding window's hop instant). */
  p: number;
  /** Index of the beat in the beat list (beats trigger). */
  beat?: number;
}

/** The first of `streams` the model's signal input can be fed from, or an Error saying what the model needs. */
export function pickStream<S extends { kind: string; channels: readonly unknown[] }>(model: string, signal: Pick<SignalInput, 'kind' | 'channels'>, source: string, streams: readonly S[]): S {
  const stream = streams.find((x) => x.kind === signal.kind && x.channels.length >= signal.channels);
  if (!stream) {
    const have = streams.map((x) => `${x.kind} (${x.channels.length} ch)`).join(', ') || 'none';
    throw new Error(`${source}: model ${model} needs a ${signal.kind} stream with ${signal.channels} channel(s); the input has ${have}`);
  }
  return stream;
}

export async function inferInput(model: ModelHost, input: LoadedInput, options: InferOptions = {}): Promise<InferResult> {
  const stream = pickStream(model.name, model.signal, input.source, input.streams);
  const s = model.signal;
  const fs = stream.fs;
  const channels = stream.channels.slice(0, s.channels);
  const length = channels[0].data.length;
  const trigger = model.manifest.trigger;
  const skipped = { gap: 0, edge: 0, rr: 0 };
  const triggers: Trigger[] = [];
  let beatsSec: number[] = [];
  let gaps: [number, number][] = [];
  if (trigger.type === 'beats') {
    if (stream.kind !== 'ecg') throw new Error(`${model.file}: trigger: "beats" needs an ECG stream (beats come from the ECG detector), the model's input is ${stream.kind}`);
    const ecg = analyzeEcg(channels[0]);
    // As for HR: only a gap that could hide a beat breaks an RR interval (see pipelines/gap-bridge.ts).
    gaps = ecg.gaps.filter(([a, b]) => b - a >= HIDING_GAP_SEC * fs);
    beatsSec = ecg.beats.map((b) => b / fs);
    ecg.beats.forEach((p, beat) => triggers.push({ p, beat }));
  } else {
    const hop = trigger.hop * fs;
    for (let k = Math.ceil(s.before / trigger.hop); k * hop + s.after * fs <= length; k++) triggers.push({ p: k * hop });
  }
  const beatSamples = beatsSec.map((t) => t * fs);
  const broken = (a: number, b: number) => gaps.some(([g0, g1]) => g0 < beatSamples[b] && g1 > beatSamples[a]);
  const plan = resamplePlan(fs, s.rate);
  const read = (c: number, i: number) => channels[c].data[i];
  const outputs: InferOutput[] = [];
  let batch: { window: ModelWindow; sample: number }[] = [];
  const flush = async (done: number) => {
    const results = await model.run(batch.map((b) => b.window));
    results.forEach((r, k) => outputs.push({ t: round(batch[k].sample / fs), sample: batch[k].sample, ...r }));
    batch = [];
    options.onProgress?.(done / Math.max(1, triggers.length));
  };
  for (const [k, tr] of triggers.entries()) {
    const window = cutWindow(read, { first: 0, end: length }, fs, s, plan, tr.p - s.before * fs);
    if (typeof window === 'string') {
      skipped[window]++;
      continue;
    }
    let rr: Float32Array | undefined;
    if (model.rr) {
      const values = rrValues(beatsSec, tr.beat!, model.rr, broken);
      if (!values) {
        skipped.rr++;
        continue;
      }
      rr = values;
    }
    const sample = tr.beat !== undefined ? tr.p : Math.round(tr.p + ((s.after - s.before) * fs) / 2);
    batch.push({ window: { signal: window, ...(rr ? { rr } : {}) }, sample });
    if (batch.length >= model.maxBatch) await flush(k + 1);
  }
  await flush(triggers.length);
  return { model: model.name, source: input.source, signal: { kind: stream.kind, fs, label: channels[0].label, ...(stream.key ? { key: stream.key } : {}) }, outputs, skipped, gaps };
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** The result as CSV: t, sample, then the label and one column per class, or the value. */
export function inferCsv(model: ModelHost, result: InferResult): string {
  const out = model.manifest.output;
  const header = modelOutputsHeader(out.type === 'classes' ? out.labels : null, out.type === 'regression' ? out.unit : '');
  return header + result.outputs.map((o) => modelOutputRow(o.t, o.sample, o)).join('');
}

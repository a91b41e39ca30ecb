/**
 * A model over a whole loaded input (a WFDB record, a CSV file, a recorded session): the windows
 * its trigger asks for, run in batches, one output per window. Beats come from our own ECG
 * pipeline (`analyzeEcg`), the one the live analysis runs.
 */
import { modelOutputRow, modelOutputsHeader } from '../../formats/csv';
import { analyzeEcg, unusableStretches } from '../offline/analyze';
import { HIDING_GAP_SEC } from '../pipelines';
import type { InputChannel, LoadedInput } from '../offline/load-input';
import type { ModelManifest } from './manifest';
import type { ModelHost, ModelResult, ModelWindow } from './model-host';
import { BeatTemplate, cutWindow, resamplePlan, rrValues, type ModelInputs, type SignalInput, type WindowRefusal } from './windowing';

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

/** A window ready for the model, at its trigger point. */
export interface PreparedWindow {
  window: ModelWindow;
  /** The beat's sample (beats trigger) or the window centre's (sliding). */
  sample: number;
  /** Index of the beat in `beats` (beats trigger). */
  beat?: number;
  /** Index of its trigger point, of `triggers`. */
  trigger: number;
}

export interface PreparedWindows {
  /** Trigger points in all, run or not. */
  triggers: number;
  /** Detected beats as samples (beats trigger). */
  beats: number[];
  gaps: [number, number][];
  /** Filled in as `windows` is read. */
  skipped: Record<WindowRefusal | 'rr', number>;
  windows(): Generator<PreparedWindow>;
}

/**
 * The inputs a model takes (`inputs`, `trigger`) over whole channels sampled at `fs`, the way the
 * live host builds them: the offline inference and the bundled model's dataset builder both use it.
 */
export function prepareWindows(inputs: ModelInputs, trigger: ModelManifest['trigger'], channels: readonly InputChannel[], fs: number): PreparedWindows {
  const s = inputs.signal;
  const length = channels[0].data.length;
  const skipped = { gap: 0, edge: 0, rr: 0 };
  const points: Trigger[] = [];
  let beats: number[] = [];
  let gaps: [number, number][] = [];
  let unusable: [number, number][] = [];
  if (trigger.type === 'beats') {
    // Beats of stretches flagged unusable are withheld (analyzeEcg): no model runs on them.
    const ecg = analyzeEcg(channels[0]);
    // As for HR: only a gap that could hide a beat breaks an RR interval (see pipelines/gap-bridge.ts),
    // and so does an unusable stretch, whose beats are not there.
    gaps = ecg.gaps.filter(([a, b]) => b - a >= HIDING_GAP_SEC * fs);
    unusable = unusableStretches(ecg);
    beats = ecg.beats;
    beats.forEach((p, beat) => points.push({ p, beat }));
  } else {
    const hop = trigger.hop * fs;
    for (let k = Math.ceil(s.before / trigger.hop); k * hop + s.after * fs <= length; k++) points.push({ p: k * hop });
  }
  const beatsSec = beats.map((b) => b / fs);
  const breaks = [...gaps, ...unusable];
  const broken = (a: number, b: number) => breaks.some(([g0, g1]) => g0 < beats[b] && g1 > beats[a]);
  const plan = resamplePlan(fs, s.rate);
  const read = (c: number, i: number) => channels[c].data[i];
  function* windows(): Generator<PreparedWindow> {
    const template = inputs.template && new BeatTemplate(inputs.template);
    for (const [k, tr] of points.entries()) {
      const signal = cutWindow(read, { first: 0, end: length }, fs, s, plan, tr.p - s.before * fs);
      if (typeof signal === 'string') skipped[signal]++;
      else {
        // Every cut window joins the template, whether or not its beat has the RR values to run.
        const median = template?.add(signal);
        const rr = inputs.rr ? rrValues(beatsSec, tr.beat!, inputs.rr, broken) : undefined;
        if (rr === null) skipped.rr++;
        else {
          const sample = tr.beat !== undefined ? tr.p : Math.round(tr.p + ((s.after - s.before) * fs) / 2);
          yield { window: { signal, ...(rr ? { rr } : {}), ...(median ? { template: median } : {}) }, sample, trigger: k, ...(tr.beat !== undefined ? { beat: tr.beat } : {}) };
        }
      }
    }
  }
  return { triggers: points.length, beats, gaps, skipped, windows };
}

export async function inferInput(model: ModelHost, input: LoadedInput, options: InferOptions = {}): Promise<InferResult> {
  const stream = pickStream(model.name, model.signal, input.source, input.streams);
  const fs = stream.fs;
  const channels = stream.channels.slice(0, model.signal.channels);
  const trigger = model.manifest.trigger;
  if (trigger.type === 'beats' && stream.kind !== 'ecg') throw new Error(`${model.file}: trigger: "beats" needs an ECG stream (beats come from the ECG detector), the model's input is ${stream.kind}`);
  const prepared = prepareWindows(model, trigger, channels, fs);
  const outputs: InferOutput[] = [];
  let batch: PreparedWindow[] = [];
  const flush = async (done: number) => {
    const results = await model.run(batch.map((b) => b.window));
    results.forEach((r, k) => outputs.push({ t: round(batch[k].sample / fs), sample: batch[k].sample, ...r }));
    batch = [];
    options.onProgress?.(done / Math.max(1, prepared.triggers));
  };
  for (const w of prepared.windows()) {
    batch.push(w);
    if (batch.length >= model.maxBatch) await flush(w.trigger + 1);
  }
  await flush(prepared.triggers);
  return { model: model.name, source: input.source, signal: { kind: stream.kind, fs, label: channels[0].label, ...(stream.key ? { key: stream.key } : {}) }, outputs, skipped: prepared.skipped, gaps: prepared.gaps };
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

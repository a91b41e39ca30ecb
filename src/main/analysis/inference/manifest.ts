/**
 * The model manifest: the JSON sidecar `<model>.onnx.json` saying what an ONNX model takes and
 * gives, so the host can feed it from live or recorded streams. Validated with zod; an error names
 * the field (see `parseManifest`).
 */
import { z } from 'zod';

const seconds = z.number().positive().max(3600);

const normalisation = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('none') }),
  /** Per window and channel: (x - mean) / std of that window. */
  z.strictObject({ type: z.literal('zscore') }),
  z.strictObject({ type: z.literal('fixed'), mean: z.number(), std: z.number().positive() }),
]);

/** A window of one stream's samples, resampled to `rate`, as one input tensor. */
const signalInput = z.strictObject({
  /** The graph input's name. */
  name: z.string().min(1).max(100),
  source: z.literal('signal'),
  /** The kind of stream it is fed from. */
  kind: z.enum(['ecg', 'ppg', 'imu', 'resp', 'eda', 'temp', 'other', 'eeg']),
  /** Channels taken from the stream, from its first. */
  channels: z.number().int().min(1).max(64),
  /** The model's sample rate, Hz: the stream is resampled to it. */
  rate: z.number().positive().max(100_000),
  /** Seconds before and after the trigger point (a beat, or a sliding window's end for `before` alone). */
  before: z.number().min(0).max(3600),
  after: z.number().min(0).max(3600),
  /** `linear`: the window's least-squares line is removed before normalising (baseline wander's slope, which a z-score keeps). */
  detrend: z.enum(['none', 'linear']).optional(),
  normalise: normalisation,
  /** Tensor layout: [batch, channels, samples] or [batch, samples, channels]. */
  layout: z.enum(['NCW', 'NWC']),
});

/** Per-beat numbers around a beat (beats trigger only), as one [batch, n] tensor in the order given. */
const rrInput = z.strictObject({
  name: z.string().min(1).max(100),
  source: z.literal('rr'),
  /**
   * pre: the RR interval before the beat; post: after it; local: the mean of the up to 10 ending at
   * the beat; long: the mean of the up to `longBeats` ending at it (the patient's base rate); each in s.
   */
  values: z.array(z.enum(['pre', 'post', 'local', 'long', 'pre/local', 'post/local', 'pre/long', 'post/long', 'local/long'])).min(1).max(12),
  /** Intervals the `long` mean is taken over (default 50). */
  longBeats: z.number().int().min(2).max(500).optional(),
});

/**
 * Sample by sample, the median of the signal input's windows (as fed to the graph) of the last
 * `beats` beats whose window could be cut, this beat's included (beats trigger only): the patient's
 * recent typical beat, so a model can judge a beat's shape against it. Same shape as the signal input.
 */
const templateInput = z.strictObject({
  name: z.string().min(1).max(100),
  source: z.literal('template'),
  beats: z.number().int().min(2).max(64),
});

export const manifestSchema = z.strictObject({
  name: z.string().min(1).max(100),
  version: z.string().min(1).max(40),
  description: z.string().max(2000).default(''),
  inputs: z.array(z.discriminatedUnion('source', [signalInput, rrInput, templateInput])).min(1).max(8),
  trigger: z.discriminatedUnion('type', [
    /** One run per detected beat (ECG R peak, PPG systolic peak) of the signal input's stream. */
    z.strictObject({ type: z.literal('beats') }),
    /** One run every `hop` seconds over the last before + after seconds. */
    z.strictObject({ type: z.literal('sliding'), hop: seconds }),
  ]),
  output: z.discriminatedUnion('type', [
    z.strictObject({
      /** The graph output's name. */
      name: z.string().min(1).max(100),
      type: z.literal('classes'),
      labels: z.array(z.string().min(1).max(40)).min(2).max(100),
      /** What the graph's output is: probabilities already, or logits the host softmaxes. */
      activation: z.enum(['softmax', 'none']),
    }),
    z.strictObject({ name: z.string().min(1).max(100), type: z.literal('regression'), unit: z.string().max(20) }),
  ]),
  display: z.strictObject({ marks: z.array(z.string().min(1).max(40)).max(100).default([]) }).default({ marks: [] }),
});

export type ModelManifest = z.infer<typeof manifestSchema>;

/** The manifest in `json` (from `file`), or an Error whose message names the file and the field. */
export function parseManifest(json: unknown, file: string): ModelManifest {
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${file}: not a valid model manifest: ${z.prettifyError(parsed.error)}`);
  const m = parsed.data;
  if (m.inputs.filter((i) => i.source === 'signal').length !== 1) throw new Error(`${file}: inputs: exactly one input must have source "signal"`);
  for (const source of ['rr', 'template'] as const) {
    if (m.inputs.filter((i) => i.source === source).length > 1) throw new Error(`${file}: inputs: at most one input may have source "${source}"`);
    if (m.trigger.type === 'sliding' && m.inputs.some((i) => i.source === source)) throw new Error(`${file}: inputs: "${source}" inputs need trigger "beats"`);
  }
  return m;
}

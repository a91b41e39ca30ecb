/**
 * Cuts a model's input windows out of a signal: resampled to the model's rate, normalised and laid
 * out as the manifest says, plus the RR values around a beat. A window that touches a lost sample
 * (NaN) is refused, never filled.
 *
 * Resampling: the same rate is a plain copy; a ratio up/down with both at most MAX_POLY_FACTOR is
 * polyphase (resamplePoly, scipy's resample_poly) over the window plus a margin of real samples
 * for the filter; any other ratio is linear interpolation between the two nearest samples.
 */
import { gcd, resamplePoly } from '../dsp/resample';
import type { ModelManifest } from './manifest';

export type SignalInput = Extract<ModelManifest['inputs'][number], { source: 'signal' }>;
export type RrInput = Extract<ModelManifest['inputs'][number], { source: 'rr' }>;
export type TemplateInput = Extract<ModelManifest['inputs'][number], { source: 'template' }>;

/** What the host feeds a model, from its manifest. */
export interface ModelInputs {
  signal: SignalInput;
  rr?: RrInput;
  template?: TemplateInput;
}

export function modelInputs(manifest: ModelManifest): ModelInputs {
  const signal = manifest.inputs.find((i): i is SignalInput => i.source === 'signal')!;
  const rr = manifest.inputs.find((i): i is RrInput => i.source === 'rr');
  const template = manifest.inputs.find((i): i is TemplateInput => i.source === 'template');
  return { signal, ...(rr ? { rr } : {}), ...(template ? { template } : {}) };
}

/** Samples of the model's window: the manifest's before + after at its rate. */
export function windowSamples(input: SignalInput): number {
  return Math.round((input.before + input.after) * input.rate);
}

const MAX_POLY_FACTOR = 50;

export type WindowRefusal = 'gap' | 'edge';

/** How a source at `fs` reaches the model's `rate`. */
export type ResamplePlan = { type: 'copy' } | { type: 'poly'; up: number; down: number; margin: number } | { type: 'linear' };

export function resamplePlan(fs: number, rate: number): ResamplePlan {
  if (fs === rate) return { type: 'copy' };
  if (Number.isInteger(fs) && Number.isInteger(rate)) {
    const g = gcd(fs, rate);
    const up = rate / g;
    const down = fs / g;
    if (up <= MAX_POLY_FACTOR && down <= MAX_POLY_FACTOR) {
      // resamplePoly's filter reaches 10 x max(up, down) upsampled samples each side; the margin
      // (source samples) covers it and is a multiple of down so output samples land on the grid.
      const reach = Math.ceil((10 * Math.max(up, down)) / up) + 1;
      return { type: 'poly', up, down, margin: Math.ceil(reach / down) * down };
    }
  }
  return { type: 'linear' };
}

/** Source samples [first, last] a window starting at source position `start` reads. */
export function windowSpan(plan: ResamplePlan, fs: number, input: SignalInput, start: number): [number, number] {
  const w = windowSamples(input);
  if (plan.type === 'copy') return [Math.round(start), Math.round(start) + w - 1];
  if (plan.type === 'poly') {
    const s0 = Math.round(start);
    return [s0 - plan.margin, s0 + Math.ceil((w * plan.down) / plan.up) + plan.margin];
  }
  return [Math.floor(start), Math.ceil(start + ((w - 1) * fs) / input.rate)];
}

/**
 * The window of `input` whose first model sample is at source position `start` (fractional) of
 * `channels` (sampled at `fs`; `at(c, i)` reads channel c's sample i), as the graph's tensor
 * values; or why not: it reaches past the data (`edge`) or touches a lost sample (`gap`).
 */
export function cutWindow(
  read: (c: number, i: number) => number,
  length: { first: number; end: number },
  fs: number,
  input: SignalInput,
  plan: ResamplePlan,
  start: number,
): Float32Array | WindowRefusal {
  const w = windowSamples(input);
  const [a, b] = windowSpan(plan, fs, input, start);
  if (a < length.first || b >= length.end) return 'edge';
  for (let c = 0; c < input.channels; c++) for (let i = a; i <= b; i++) if (read(c, i) !== read(c, i)) return 'gap';
  const rows: Float64Array[] = [];
  for (let c = 0; c < input.channels; c++) {
    const row = new Float64Array(w);
    if (plan.type === 'copy') for (let k = 0; k < w; k++) row[k] = read(c, a + k);
    else if (plan.type === 'poly') {
      const seg = new Float64Array(b - a + 1);
      for (let i = 0; i < seg.length; i++) seg[i] = read(c, a + i);
      const y = resamplePoly(seg, plan.up, plan.down);
      row.set(y.subarray((plan.margin * plan.up) / plan.down, (plan.margin * plan.up) / plan.down + w));
    } else {
      for (let k = 0; k < w; k++) {
        const q = start + (k * fs) / input.rate;
        const i0 = Math.floor(q);
        const f = q - i0;
        row[k] = f === 0 ? read(c, i0) : read(c, i0) * (1 - f) + read(c, i0 + 1) * f;
      }
    }
    if (input.detrend === 'linear') detrend(row);
    normalise(row, input.normalise);
    rows.push(row);
  }
  return layOut(rows, input.layout);
}

/** Subtracts the least-squares line through the row. */
function detrend(row: Float64Array): void {
  const n = row.length;
  const mid = (n - 1) / 2;
  let mean = 0;
  let sxy = 0;
  let sxx = 0;
  for (let k = 0; k < n; k++) mean += row[k] / n;
  for (let k = 0; k < n; k++) {
    sxy += (k - mid) * (row[k] - mean);
    sxx += (k - mid) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  for (let k = 0; k < n; k++) row[k] -= mean + slope * (k - mid);
}

function normalise(row: Float64Array, how: SignalInput['normalise']): void {
  if (how.type === 'none') return;
  let mean: number;
  let std: number;
  if (how.type === 'fixed') ({ mean, std } = how);
  else {
    mean = row.reduce((s, v) => s + v, 0) / row.length;
    std = Math.sqrt(row.reduce((s, v) => s + (v - mean) ** 2, 0) / row.length);
    // A flat window has no spread: centred only, rather than divided by zero.
    if (!(std > 0)) std = 1;
  }
  for (let i = 0; i < row.length; i++) row[i] = (row[i] - mean) / std;
}

function layOut(rows: Float64Array[], layout: SignalInput['layout']): Float32Array {
  const w = rows[0].length;
  const c = rows.length;
  const out = new Float32Array(w * c);
  for (let ch = 0; ch < c; ch++) for (let k = 0; k < w; k++) out[layout === 'NCW' ? ch * w + k : k * c + ch] = rows[ch][k];
  return out;
}

/** RR intervals the local mean is taken over. */
export const LOCAL_RR_BEATS = 10;
/** RR intervals the long mean is taken over unless the manifest's `longBeats` says. */
export const LONG_RR_BEATS = 50;

/** Beat times an rr input needs kept: the beat, the one after, and those its longest mean reaches back to. */
export function rrBeatsNeeded(input: RrInput): number {
  return Math.max(LOCAL_RR_BEATS, input.values.some((v) => v.includes('long')) ? (input.longBeats ?? LONG_RR_BEATS) : 0) + 2;
}

/**
 * The rr input of beat `i` of `beats` (seconds), in the manifest's order; null when a neighbour it
 * needs is missing or an interval it uses is broken (`broken(a, b)`: a gap between beats a and b).
 */
export function rrValues(beats: readonly number[], i: number, input: RrInput, broken: (a: number, b: number) => boolean): Float32Array | null {
  const needsPost = input.values.some((v) => v.startsWith('post'));
  if (i < 1 || broken(i - 1, i)) return null;
  if (needsPost && (i + 1 >= beats.length || broken(i, i + 1))) return null;
  const pre = beats[i] - beats[i - 1];
  const post = needsPost ? beats[i + 1] - beats[i] : NaN;
  const local = meanRr(beats, i, LOCAL_RR_BEATS, broken);
  const long = input.values.some((v) => v.includes('long')) ? meanRr(beats, i, input.longBeats ?? LONG_RR_BEATS, broken) : NaN;
  const value = { pre, post, local, long, 'pre/local': pre / local, 'post/local': post / local, 'pre/long': pre / long, 'post/long': post / long, 'local/long': local / long };
  return Float32Array.from(input.values.map((v) => value[v]));
}

/** The mean of the up to `count` intervals ending at beat i (>= 1), back to the first broken one. */
function meanRr(beats: readonly number[], i: number, count: number, broken: (a: number, b: number) => boolean): number {
  let sum = 0;
  let n = 0;
  for (let j = i; j >= 1 && n < count && !broken(j - 1, j); j--, n++) sum += beats[j] - beats[j - 1];
  return sum / n;
}

/**
 * A template input's running median: `add` takes the window just cut for a beat and gives the
 * median, value by value, of it and the windows before it, up to the input's `beats`.
 */
export class BeatTemplate {
  /** The windows in the median, oldest first. */
  private readonly recent: Float32Array[] = [];
  /** Per value of the window, the recent windows' values there, kept sorted: a beat costs one removal and one insertion per value, not a sort. */
  private sorted: Float32Array[] = [];

  constructor(private readonly input: TemplateInput) {}

  add(window: Float32Array): Float32Array {
    if (this.sorted.length !== window.length) this.sorted = Array.from({ length: window.length }, () => new Float32Array(this.input.beats));
    const old = this.recent.length === this.input.beats ? this.recent.shift()! : null;
    this.recent.push(window);
    const n = this.recent.length;
    const out = new Float32Array(window.length);
    for (let k = 0; k < window.length; k++) {
      const column = this.sorted[k];
      let len = old ? n : n - 1;
      if (old) {
        const at = lowerBound(column, len, old[k]);
        column.copyWithin(at, at + 1, len);
        len--;
      }
      const at = lowerBound(column, len, window[k]);
      column.copyWithin(at + 1, at, len);
      column[at] = window[k];
      out[k] = n % 2 === 1 ? column[(n - 1) / 2] : (column[n / 2 - 1] + column[n / 2]) / 2;
    }
    return out;
  }
}

/** The first index of sorted `a[0..len)` whose value is not below `v`. */
function lowerBound(a: Float32Array, len: number, v: number): number {
  let lo = 0;
  let hi = len;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

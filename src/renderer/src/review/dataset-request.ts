import type { DatasetRequest, SessionSummary } from '../../../shared/types';

export type LabelSource = NonNullable<DatasetRequest['labels']>[number];
/** Sliding windows by the step, or windows centred on the first stream's beats or on the markers. */
export type Around = 'sliding' | NonNullable<DatasetRequest['around']>;

/** Where each window's labels come from, as the dialog names them (every source, in the CLI's order). */
export const LABEL_SOURCE_NAMES: Record<LabelSource, string> = {
  label: 'label events',
  beat: 'beat classes',
  marker: 'markers',
  step: 'protocol steps',
};
export const LABEL_SOURCE_IDS = Object.keys(LABEL_SOURCE_NAMES) as LabelSource[];

/** The dialog's fields as typed: numbers stay text until they are checked. */
export interface DatasetForm {
  /** 'all': every finished session (also those recorded later); otherwise the ids ticked. */
  sessions: 'all' | readonly number[];
  streams: readonly string[];
  window: string;
  /** Empty: the window (sliding windows only). */
  step: string;
  /** Empty: each stream keeps its own rate. */
  rate: string;
  labels: readonly LabelSource[];
  around: Around;
  /** Train, val, test shares. */
  split: readonly [string, string, string];
  seed: string;
  workers: string;
  npy: boolean;
  /** Empty: a new folder in the library's datasets folder. */
  out: string;
  overwrite: boolean;
}

export const DEFAULT_DATASET_FORM: Omit<DatasetForm, 'sessions' | 'streams'> = {
  window: '10',
  step: '',
  rate: '',
  labels: LABEL_SOURCE_IDS,
  around: 'sliding',
  split: ['70', '15', '15'],
  seed: '0',
  workers: '2',
  npy: false,
  out: '',
  overwrite: false,
};

/** The sessions a dataset can be cut from: those no longer recording. */
export function finishedSessions(sessions: readonly SessionSummary[]): SessionSummary[] {
  return sessions.filter((s) => s.status !== 'recording');
}

/** The recorded (not derived) stream names of the sessions, each once, in the order first met. */
export function rawStreamNames(sessions: readonly SessionSummary[]): string[] {
  return [...new Set(sessions.flatMap((s) => s.streams.filter((st) => !st.derivedFrom).map((st) => st.name)))];
}

interface Bounds {
  /** Values must be more than this (exclusive) or at least `min` (inclusive). */
  above?: number;
  min?: number;
  max: number;
  integer?: boolean;
  unit?: string;
}

/** A typed number checked against its bounds; the error names the field and says what is allowed. */
function typedNumber(text: string, name: string, b: Bounds): number {
  const unit = b.unit ? ` ${b.unit}` : '';
  const v = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(v)) throw new Error(`${name}: "${text}" is not a number`);
  if (b.integer && !Number.isInteger(v)) throw new Error(`${name}: must be a whole number, got ${v}`);
  if (b.above !== undefined && !(v > b.above)) throw new Error(`${name}: must be more than ${b.above}${unit}, got ${v}${unit}`);
  if (b.min !== undefined && v < b.min) throw new Error(`${name}: must be at least ${b.min}${unit}, got ${v}${unit}`);
  if (v > b.max) throw new Error(`${name}: must be at most ${b.max}${unit}, got ${v}${unit}`);
  return v;
}

/** What the dialog's fields ask the engine for; throws, saying which field to change and how, for a form that cannot be built. */
export function datasetRequest(form: DatasetForm): DatasetRequest {
  if (form.sessions !== 'all' && form.sessions.length === 0) throw new Error('Choose at least one session');
  if (form.streams.length === 0) throw new Error('Choose at least one stream');
  const window = typedNumber(form.window, 'Window', { above: 0, max: 3600, unit: 's' });
  const sliding = form.around === 'sliding';
  const step = sliding && form.step.trim() !== '' ? typedNumber(form.step, 'Step', { above: 0, max: 86400, unit: 's' }) : undefined;
  const rate = form.rate.trim() !== '' ? typedNumber(form.rate, 'Rate', { above: 0, max: 100_000, unit: 'Hz' }) : undefined;
  if (rate !== undefined && rate * window < 1) throw new Error(`Rate: a ${window} s window at ${rate} Hz holds no sample`);
  const split = form.split.map((share, i) => typedNumber(share, `Split (${['train', 'val', 'test'][i]})`, { min: 0, max: 1e6 })) as [number, number, number];
  if (split[0] + split[1] + split[2] === 0) throw new Error('Split: the shares are all zero; give train, val or test a share above 0');
  const seed = typedNumber(form.seed, 'Seed', { min: 0, max: 2 ** 32 - 1, integer: true });
  const workers = typedNumber(form.workers, 'Workers', { min: 1, max: 64, integer: true });
  if (form.npy && form.streams.length > 1 && rate === undefined) throw new Error('.npy shards of several streams need a rate: a shard holds one rate');
  return {
    out: form.out.trim(),
    streams: [...form.streams],
    window,
    ...(step !== undefined ? { step } : {}),
    ...(rate !== undefined ? { rate } : {}),
    ...(form.sessions !== 'all' ? { sessions: [...form.sessions].sort((a, b) => a - b) } : {}),
    // In the CLI's order whatever the order they were ticked in: the same choice resumes the same build.
    labels: LABEL_SOURCE_IDS.filter((l) => form.labels.includes(l)),
    ...(form.around !== 'sliding' ? { around: form.around } : {}),
    split,
    seed,
    workers,
    npy: form.npy,
    overwrite: form.overwrite,
  };
}

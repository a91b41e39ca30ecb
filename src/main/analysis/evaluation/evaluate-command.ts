/**
 * `vitalscope evaluate MODEL INPUT... [--json]`: a beats-trigger classifier over WFDB records with
 * their reference annotations (.atr beside the .hea), or recorded sessions whose ECG beats have
 * classes (set in review, or imported with a record's annotations), scored per beat (see
 * beat-evaluation.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { aamiOfLetter } from '../../../shared/beat-classes';
import { parseMitAnnotations } from '../../formats/wfdb';
import { Library } from '../../storage/library';
import { windowedKurtosisSqi } from '../dsp/ecg/ecg-sqi';
import type { EvaluateReport } from '../../../shared/evaluation';
import { inferInput } from '../inference/infer';
import { ModelHost } from '../inference/model-host';
import { loadInput, loadSessionFrom } from '../offline/load-input';
import { evaluateBeats, modelClasses, referenceBeats, WORST_COUNT, type RecordOutputs, type ReferenceBeat, type Scores } from './beat-evaluation';
import { table } from './text-table';

export type { EvaluateReport } from '../../../shared/evaluation';

export interface EvaluateOptions {
  /** The library that session-id inputs are in: an open one (a job's), or a path. */
  library?: Library;
  db?: string;
  /** After each input: a line to show, and how many of the inputs are done. */
  progress?(line: string, done: number, total: number): void;
}

/** The signal-quality slice's kSQI window (Li et al. 2008 use 10 s). */
const SQI_WINDOW_SEC = 10;

/** Labels whose text says "motion" mark the "in a labelled motion stretch" slice. */
const MOTION_LABEL = /motion/i;

/** A WFDB record's reference: the annotations beside its .hea, or an Error naming what is missing. */
function annotationsOf(hea: string): ReferenceBeat[] {
  const atr = hea.replace(/\.hea$/i, '.atr');
  if (!existsSync(hea)) throw new Error(`${hea}: no such record`);
  if (!existsSync(atr)) throw new Error(`${hea}: no reference annotations ${basename(atr)} beside it (evaluate needs the record's beat labels)`);
  try {
    const ann = parseMitAnnotations(new Uint8Array(readFileSync(atr)));
    return referenceBeats(ann.samples, ann.codes);
  } catch (error) {
    throw new Error(`${atr}: ${(error as Error).message}`);
  }
}

/** One input to score: what to run the model on, and the reference beats on that signal's samples. */
interface Scorable {
  record: string;
  session?: number;
  file?: string;
  load(): { input: ReturnType<typeof loadInput>; reference: ReferenceBeat[]; motion: [number, number][] };
}

function sessionScorable(library: Library, id: number): Scorable {
  const record = `session ${id}`;
  return {
    record,
    session: id,
    load() {
      const input = loadSessionFrom(library, id);
      const ecg = input.streams.find((s) => s.kind === 'ecg');
      if (!ecg) throw new Error(`session ${id} has no ECG stream to evaluate a beat classifier on`);
      const beats = ecg.correctedBeats;
      if (!beats?.classes?.some((c) => c !== null)) throw new Error(`session ${id} has no beat classes: set them in review or import a WFDB record with annotations`);
      const reference = beats.positions.map((p, i) => ({ sample: Math.round(p), class: aamiOfLetter(beats.classes![i]) }));
      const motion = (ecg.labels ?? []).filter((l) => MOTION_LABEL.test(l.text)).map((l): [number, number] => [Math.round(l.start), Math.round(l.end)]);
      return { input, reference, motion };
    },
  };
}

/** The inputs as scorables, checked before any model runs: .hea paths and session ids (in `options`' library). */
function scorables(inputs: readonly string[], options: EvaluateOptions): { items: Scorable[]; close(): void } {
  let library = options.library ?? null;
  const opened = !library;
  const items = inputs.map((input): Scorable => {
    if (/^\d+$/.test(input) && !existsSync(input)) {
      if (!library) {
        if (!options.db) throw new Error(`"${input}" is not a file; to evaluate session ${input} give its library with --db PATH`);
        library = new Library(options.db);
      }
      const id = Number(input);
      if (!library.session(id)) throw new Error(`no session ${id} in ${library.path}`);
      return sessionScorable(library, id);
    }
    if (!/\.hea$/i.test(input)) throw new Error(`"${input}" is neither a WFDB record (.hea with its .atr beside it) nor a session id`);
    const reference = annotationsOf(input);
    return { record: basename(input).replace(/\.hea$/i, ''), file: resolve(input), load: () => ({ input: loadInput(input), reference, motion: [] }) };
  });
  return { items, close: () => opened && library?.close() };
}

/** Runs `modelFile` over `inputs` (.hea paths or session ids) and scores it. */
export async function evaluateModel(modelFile: string, inputs: readonly string[], options: EvaluateOptions = {}): Promise<EvaluateReport> {
  const { items, close } = scorables(inputs, options);
  try {
    const model = await ModelHost.load(modelFile);
    try {
      const m = model.manifest;
      if (m.trigger.type !== 'beats' || m.output.type !== 'classes') throw new Error(`${modelFile}: evaluate scores per-beat classifiers (trigger "beats", output "classes"); this model has trigger "${m.trigger.type}", output "${m.output.type}"`);
      const labels = modelClasses(m.output.labels, modelFile);
      const scored: RecordOutputs[] = [];
      const skipped: EvaluateReport['skipped'] = {};
      for (const [k, item] of items.entries()) {
        const { input, reference, motion } = item.load();
        const result = await inferInput(model, input);
        skipped[item.record] = result.skipped;
        const signal = input.channels.find((c) => c.label === result.signal.label && c.fs === result.signal.fs)!;
        const timeAt = input.streams.find((s) => s.channels.includes(signal))?.timeAt;
        const windowSamples = Math.round(SQI_WINDOW_SEC * signal.fs);
        scored.push({
          record: item.record,
          ...(item.session !== undefined ? { session: item.session } : {}),
          ...(item.file !== undefined ? { file: item.file } : {}),
          fs: result.signal.fs,
          reference,
          outputs: result.outputs.map((o) => ({ sample: o.sample, label: o.label!, probs: o.probs! })),
          gaps: result.gaps,
          motion,
          sqi: { windowSamples, values: windowedKurtosisSqi(signal.data, windowSamples) },
          ...(timeAt ? { timeAt } : {}),
        });
        options.progress?.(`evaluating: ${item.record} (${k + 1}/${items.length}): ${result.outputs.length} outputs on ${result.signal.label}`, k + 1, items.length);
      }
      return { model: model.name, ...evaluateBeats(scored, labels), skipped };
    } finally {
      await model.close();
    }
  } finally {
    close();
  }
}

const show = (x: number | null) => (x === null ? '-' : x.toFixed(2));

/** The report as readable tables. */
export function evaluateText(r: EvaluateReport): string {
  const out: string[] = [`model ${r.model}; a beat matches a reference beat within ±${r.tolerance_ms} ms; percent; 95% CI by record bootstrap (${r.bootstrap.resamples} resamples, seed ${r.bootstrap.seed})`, ''];
  out.push(table(['class', 'n', 'Se %', 'Se 95% CI', '+P %', '+P 95% CI', 'F1 %'], Object.entries(r.classes).map(([l, c]) => [l, c.n, show(c.se), c.ci.se ? c.ci.se.map(show).join('-') : '-', show(c.ppv), c.ci.ppv ? c.ci.ppv.map(show).join('-') : '-', show(c.f1)])));
  const excluded = Object.entries(r.excluded).map(([k, v]) => `${v} ${k}`);
  if (excluded.length) out.push(`excluded reference beats (not a model class): ${excluded.join(', ')}`);
  out.push('', 'confusion (rows: reference, columns: model; "none": no reference beat, "missed": no output)');
  out.push(table(['', ...r.confusion.columns], r.confusion.rows.map((row, i) => [row, ...r.confusion.counts[i]])));
  const labels = Object.keys(r.classes);
  const perClass = (s: Scores) => labels.flatMap((l) => [s.classes[l].n, show(s.classes[l].se), show(s.classes[l].ppv)]);
  const head = labels.flatMap((l) => [`${l} n`, `${l} Se %`, `${l} +P %`]);
  out.push('', 'by record', table(['record', ...head], r.records.map((x) => [x.record, ...perClass(x)])));
  out.push('', 'slices', table(['slice', 'band', ...head], r.slices.map((x) => [x.slice, x.band, ...perClass(x)])));
  out.push('', `reliability: p(class) in ${r.calibration.bins} bins against the share of those beats of that class; ECE: expected calibration error`);
  for (const [label, c] of Object.entries(r.calibration.classes)) {
    out.push(`${label}: ECE ${c.ece === null ? '-' : c.ece.toFixed(4)} over ${c.n} outputs`);
    out.push(table(['p from', 'p to', 'n', 'mean p', 'observed'], c.bins.filter((b) => b.n > 0).map((b) => [b.from.toFixed(1), b.to.toFixed(1), b.n, b.predicted!.toFixed(3), b.observed!.toFixed(3)])));
  }
  out.push('', `worst errors: false positives and false negatives, the ${WORST_COUNT} of each the model was surest of (p: its probability for the wrong class)`);
  out.push(table(['error', 'record', 't s', 'reference', 'model', 'p'], r.worst.map((w) => [w.error, w.record, w.t.toFixed(3), w.reference ?? 'none', w.predicted, w.confidence.toFixed(4)])));
  return out.join('\n') + '\n';
}

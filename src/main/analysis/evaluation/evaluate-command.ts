/**
 * `vitalscope evaluate MODEL INPUT... [--json]`: a beats-trigger classifier over WFDB records with
 * their reference annotations (.atr beside the .hea), scored per beat (see beat-evaluation.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseMitAnnotations } from '../../formats/wfdb';
import { inferInput, type InferResult } from '../inference/infer';
import { ModelHost } from '../inference/model-host';
import { loadInput } from '../offline/load-input';
import { evaluateBeats, modelClasses, WORST_COUNT, type Evaluation, type RecordOutputs, type Scores } from './beat-evaluation';
import { table } from './text-table';

export interface EvaluateReport extends Evaluation {
  model: string;
  /** Per record: the windows the model did not run (see InferResult.skipped). */
  skipped: Record<string, InferResult['skipped']>;
}

/** The reference annotations beside a record's .hea, or an Error naming what is missing. */
function annotationsOf(hea: string) {
  const atr = hea.replace(/\.hea$/i, '.atr');
  if (!existsSync(hea)) throw new Error(`${hea}: no such record`);
  if (!existsSync(atr)) throw new Error(`${hea}: no reference annotations ${basename(atr)} beside it (evaluate needs the record's beat labels)`);
  return atr;
}

/** Runs `modelFile` over `records` (.hea paths) and scores it; `progress` gets one line per record. */
export async function evaluateModel(modelFile: string, records: readonly string[], progress: (line: string) => void = () => {}): Promise<EvaluateReport> {
  const atrs = records.map(annotationsOf);
  const model = await ModelHost.load(modelFile);
  try {
    const m = model.manifest;
    if (m.trigger.type !== 'beats' || m.output.type !== 'classes') throw new Error(`${modelFile}: evaluate scores per-beat classifiers (trigger "beats", output "classes"); this model has trigger "${m.trigger.type}", output "${m.output.type}"`);
    const labels = modelClasses(m.output.labels, modelFile);
    const scored: RecordOutputs[] = [];
    const skipped: EvaluateReport['skipped'] = {};
    for (const [k, hea] of records.entries()) {
      const record = basename(hea).replace(/\.hea$/i, '');
      let ann;
      try {
        ann = parseMitAnnotations(new Uint8Array(readFileSync(atrs[k])));
      } catch (error) {
        throw new Error(`${atrs[k]}: ${(error as Error).message}`);
      }
      const result = await inferInput(model, loadInput(hea));
      skipped[record] = result.skipped;
      scored.push({
        record,
        fs: result.signal.fs,
        reference: ann.samples.map((sample, i) => ({ sample, code: ann.codes[i] })),
        outputs: result.outputs.map((o) => ({ sample: o.sample, label: o.label!, probs: o.probs! })),
        gaps: result.gaps,
      });
      progress(`evaluating: ${record} (${k + 1}/${records.length}): ${result.outputs.length} outputs on ${result.signal.label}`);
    }
    return { model: model.name, ...evaluateBeats(scored, labels), skipped };
  } finally {
    await model.close();
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
  out.push('', `worst errors: false positives and false negatives, the ${WORST_COUNT} of each the model was surest of (p: its probability for the wrong class)`);
  out.push(table(['error', 'record', 't s', 'reference', 'model', 'p'], r.worst.map((w) => [w.error, w.record, w.t.toFixed(3), w.reference ?? 'none', w.predicted, w.confidence.toFixed(4)])));
  return out.join('\n') + '\n';
}

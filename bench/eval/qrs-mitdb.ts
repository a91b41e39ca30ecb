/**
 * QRS detection on the full MIT-BIH records in ecg/mitdb/, grouped by what each record was used
 * for (the inter-patient protocol of de Chazal et al. 2004; ../shared/data/README.md):
 *  - DS1, the 22-record training set: the detector's and the usability flag's parameters were
 *    chosen on these, so their gross figure is a TUNING-SET figure, not a held-out one;
 *  - paced 102, 104, 107, 217: used for paced behaviour (tuned on too);
 *  - DS2 smoke 100 and 105: the only DS2 records here, never tuned on; the other 20 DS2 records are
 *    evaluated independently, on data this project does not have.
 * Reference: the beat annotations of each record's .atr (beatSamples: the WFDB isqrs() codes, so
 * flutter waves '!', artefacts and rhythm/noise marks do not count); signal: lead MLII (channel
 * 0, except record 114, whose MLII is channel 1), with the record's other lead as the second lead
 * that fills its RR gaps (dsp/ecg/second-lead.ts), as `vitalscope analyze` does with a two-lead
 * record; +-150 ms matching (EC57). Each record also gets
 * a failure summary: where its misses and false beats cluster (10 s bins), the rhythm there (the
 * .atr aux text) and the usability of those stretches.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeEcg, otherLeadBeats, ownLeadBeats, unusableStretches, type EcgResult } from '../../src/main/analysis/offline/analyze';
import { detectQrs } from '../../src/main/analysis/dsp/ecg/qrs-detector';
import { fillFromSecondLead } from '../../src/main/analysis/dsp/ecg/second-lead';
import { secondLeadLoro, type SecondLeadLoro, type TwoLeadRecord } from './second-lead-loro';
import { errorBins } from './usable-scoring';
import { readWfdbRecord, type WfdbRecord } from '../../src/main/analysis/offline/load-input';
import { beatSamples, parseMitAnnotations, type WfdbAnnotations } from '../../src/main/formats/wfdb';
import { addMatch, matchBeats, pairBeats, ppv, se, type Match } from '../../src/main/analysis/evaluation/beat-matching';
import { table } from '../../src/main/analysis/evaluation/text-table';

export const MITDB_DIR = 'ecg/mitdb';
export const DS1_RECORDS = ['101', '106', '108', '109', '112', '114', '115', '116', '118', '119', '122', '124', '201', '203', '205', '207', '208', '209', '215', '220', '223', '230'];
export const PACED_RECORDS = ['102', '104', '107', '217'];
export const DS2_SMOKE_RECORDS = ['100', '105'];
export const recordFiles = (rec: string) => ['hea', 'dat', 'atr'].map((ext) => `${MITDB_DIR}/${rec}.${ext}`);
/** The lead scored: MLII (channel 0, except record 114's channel 1). */
export const leadOf = (wfdb: WfdbRecord) => wfdb.signals.find((s) => s.label === 'MLII') ?? wfdb.signals[0];
const GROUPS = { ds1: DS1_RECORDS, paced: PACED_RECORDS, ds2smoke: DS2_SMOKE_RECORDS } as const;
type Group = keyof typeof GROUPS;
const TITLES: Record<Group, string> = { ds1: 'DS1, 22 records (tuning set)', paced: 'paced 102, 104, 107, 217 (tuning set, paced behaviour)', ds2smoke: 'DS2 smoke 100, 105 (never tuned on)' };

export interface QrsRecordScore extends Match {
  lead: string;
  /** False positives inside ventricular flutter/fibrillation episodes (EC57 leaves those episodes out; we count them). */
  fpInVf: number;
  se: number;
  ppv: number;
  /** Seconds flagged unusable (no beats reported there). */
  unusableSec: number;
}

/** `ppvOutsideVf`: +P without the false beats inside VF/VFL episodes (EC57 leaves those episodes out). */
type Gross = Match & { records: number; se: number; ppv: number; fpInVf: number; ppvOutsideVf: number };

export interface QrsMitdb {
  toleranceMs: number;
  perRecord: Record<string, QrsRecordScore>;
  gross: Partial<Record<Group, Gross>>;
  /** The lowest per-record Se and +P in DS1, and which record. */
  worstDs1?: { se: number; seRecord: string; ppv: number; ppvRecord: string };
  /** The second lead's parameters, leave-one-record-out over DS1 + paced (second-lead-loro.ts). */
  secondLeadLoro?: SecondLeadLoro;
}

/** [start, end) sample ranges of the rhythm episodes (code 28, aux "(VFL" / "(VF") of ventricular flutter or fibrillation. */
function vfEpisodes(ann: WfdbAnnotations, end: number): [number, number][] {
  const out: [number, number][] = [];
  let start = -1;
  ann.samples.forEach((t, k) => {
    if (ann.codes[k] !== 28) return;
    if (start >= 0) out.push([start, t]);
    start = /^\(VF/.test(ann.aux[k] ?? '') ? t : -1;
  });
  if (start >= 0) out.push([start, end]);
  return out;
}

/** The rhythm (aux text of the last rhythm annotation, code 28) in force at each sample asked for. */
const rhythmAt = (ann: WfdbAnnotations, sample: number): string => {
  let r = '';
  ann.samples.forEach((t, k) => {
    if (ann.codes[k] === 28 && t <= sample) r = (ann.aux[k] ?? '').replace(/\0/g, '');
  });
  return r;
};

/** Where a record's errors cluster: the (up to 3) 10 s bins with most misses + false beats. */
function failureSummary(ann: WfdbAnnotations, ref: number[], res: EcgResult, fs: number, tol: number): string {
  const stretches = unusableStretches(res);
  const partlyUnusable = (t0: number) => stretches.some(([a, b]) => a < (t0 + 10) * fs && b > t0 * fs);
  return errorBins(ref, res, tol)
    .slice(0, 3)
    .map((c) => `${c.startSec}-${c.startSec + 10} s: ${c.fn} FN ${c.fp} FP, ${rhythmAt(ann, c.startSec * fs) || '?'}${partlyUnusable(c.startSec) ? ', partly unusable' : ''}`)
    .join('; ');
}

/**
 * A record's two leads' beats before analyzeEcg merges them, as it computes them; checked against
 * its result, so the leave-one-record-out scores the product's own merge.
 */
function mergeInputs(record: string, ds1: boolean, lead: WfdbRecord['signals'][number], other: WfdbRecord['signals'][number], ref: number[], res: EcgResult): TwoLeadRecord {
  const fs = lead.fs;
  // analyzeEcg streams the lead through its pipeline: the same detections here (no gaps in MIT-BIH).
  const own = ownLeadBeats(lead.data, fs, detectQrs(lead.data, fs).map((b) => b.sample));
  const second = otherLeadBeats(other.data, fs);
  const merged = fillFromSecondLead(own, second, fs);
  const product = [...res.beats, ...res.withheld].sort((a, b) => a - b);
  if (merged.length !== product.length || merged.some((b, i) => b !== product[i])) throw new Error(`record ${record}: the second lead's leave-one-record-out inputs do not reproduce analyzeEcg's beats (${merged.length} vs ${product.length})`);
  return { record, ds1, fs, ref, own, second };
}

export function evalQrsMitdb(data: string, present: (p: string) => boolean): QrsMitdb | undefined {
  if (!present(MITDB_DIR)) return undefined;
  const out: QrsMitdb = { toleranceMs: 150, perRecord: {}, gross: {} };
  const twoLead: TwoLeadRecord[] = [];
  for (const group of Object.keys(GROUPS) as Group[]) {
    const rows: (string | number)[][] = [];
    const failures: string[] = [];
    const g = { tp: 0, fn: 0, fp: 0, fpInVf: 0, records: 0 };
    for (const rec of GROUPS[group]) {
      if (!recordFiles(rec).every((f) => existsSync(join(data, f)))) continue;
      const wfdb = readWfdbRecord(join(data, MITDB_DIR, `${rec}.hea`));
      const signal = leadOf(wfdb);
      const secondLead = wfdb.signals.find((s) => s !== signal);
      const ann = parseMitAnnotations(readFileSync(join(data, MITDB_DIR, `${rec}.atr`)));
      const ref = beatSamples(ann);
      const res = analyzeEcg(signal, undefined, {}, undefined, secondLead);
      if (group !== 'ds2smoke' && secondLead) twoLead.push(mergeInputs(rec, group === 'ds1', signal, secondLead, ref, res));
      const tol = Math.round(0.15 * signal.fs);
      const m = matchBeats(ref, res.beats, tol);
      const vf = vfEpisodes(ann, signal.data.length);
      const matched = new Set(pairBeats(ref, res.beats, tol).map((p) => p[1]));
      const fpInVf = res.beats.filter((d, j) => !matched.has(j) && vf.some(([a, b]) => d >= a && d < b)).length;
      addMatch(g, m);
      g.fpInVf += fpInVf;
      g.records++;
      out.perRecord[rec] = { lead: signal.label, fpInVf, tp: m.tp, fn: m.fn, fp: m.fp, se: se(m), ppv: ppv(m), unusableSec: res.quality.unusableSec };
      rows.push([rec, signal.label, ref.length, m.tp, m.fn, m.fp, fpInVf, se(m), ppv(m), res.quality.unusableSec]);
      if (m.fn + m.fp >= 5) failures.push(`  ${rec}: ${failureSummary(ann, ref, res, signal.fs, tol)}`);
    }
    if (!g.records) continue;
    const ppvOutsideVf = ppv({ ...g, fp: g.fp - g.fpInVf });
    out.gross[group] = { ...g, se: se(g), ppv: ppv(g), ppvOutsideVf };
    console.log(`\n==== QRS detection, MIT-BIH ${TITLES[group]} (reference: .atr beat annotations, +-150 ms) ====`);
    console.log(table(['record', 'lead', 'beats', 'TP', 'FN', 'FP', 'FP in VF/VFL', 'Se %', '+P %', 'unusable s'], rows));
    console.log(`gross ${group} (${g.records} records): Se ${se(g).toFixed(2)}%  +P ${ppv(g).toFixed(2)}%${g.fpInVf ? ` (${ppvOutsideVf.toFixed(2)}% without the ${g.fpInVf} false beats inside VF/VFL episodes, which EC57 leaves out)` : ''}`);
    if (failures.length) console.log(`where the errors cluster (worst 10 s bins, rhythm from .atr):\n${failures.join('\n')}`);
  }
  const ds1 = Object.entries(out.perRecord).filter(([r]) => DS1_RECORDS.includes(r));
  if (ds1.length) {
    const lowest = (k: 'se' | 'ppv') => ds1.reduce((a, b) => (b[1][k] < a[1][k] ? b : a), ds1[0]);
    out.worstDs1 = { se: lowest('se')[1].se, seRecord: lowest('se')[0], ppv: lowest('ppv')[1].ppv, ppvRecord: lowest('ppv')[0] };
    console.log(`lowest DS1 record: Se ${out.worstDs1.se.toFixed(2)}% (${out.worstDs1.seRecord}), +P ${out.worstDs1.ppv.toFixed(2)}% (${out.worstDs1.ppvRecord})`);
  }
  console.log('FP in VF/VFL: false positives inside ventricular flutter/fibrillation episodes, where .atr marks flutter waves (!), not beats; EC57 leaves these episodes out of Se/+P, here they count.');
  if (twoLead.length) out.secondLeadLoro = secondLeadLoro(twoLead);
  return out;
}

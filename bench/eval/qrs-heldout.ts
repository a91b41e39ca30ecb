/**
 * Held-out QRS detection on the full MIT-BIH records the detector was NOT tuned on: every record
 * in ecg/mitdb/ except 100, 102, 104, 105, 106 and 108 (the tuning set, with SVDB 800 and NSTDB).
 * Reference: the beat annotations of each record's .atr (beatSamples: the WFDB isqrs() codes, so
 * flutter waves '!', artefacts and rhythm/noise marks do not count); signal: lead MLII (channel 0,
 * except record 114, whose MLII is channel 1); +-150 ms matching (EC57). Paced records (107, 217)
 * are reported apart, as their gross figure means something else. Reporting only: no parameter
 * was or may be chosen on these records.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeEcg } from '../../src/main/analysis/offline/analyze';
import { readWfdbRecord } from '../../src/main/analysis/offline/load-input';
import { beatSamples, parseMitAnnotations, type WfdbAnnotations } from '../../src/main/formats/wfdb';
import { addMatch, matchBeats, ppv, se, type Match } from '../../src/main/analysis/evaluation/beat-matching';
import { table } from '../../src/main/analysis/evaluation/text-table';

export const MITDB_DIR = 'ecg/mitdb';
/** Records the QRS detector was tuned on: excluded here. */
const TUNED = new Set(['100', '102', '104', '105', '106', '108']);
const PACED = new Set(['102', '104', '107', '217']);
/** The held-out records this report expects in ecg/mitdb/ (see ../shared/data/README.md, section ECG). */
export const HELD_OUT_RECORDS = ['101', '107', '109', '112', '114', '115', '116', '118', '119', '122', '124', '201', '203', '205', '207', '208', '209', '215', '217', '220', '223', '230'];
export const recordFiles = (rec: string) => ['hea', 'dat', 'atr'].map((ext) => `${MITDB_DIR}/${rec}.${ext}`);

export interface QrsRecordScore extends Match {
  lead: string;
  /** False positives inside ventricular flutter/fibrillation episodes (EC57 leaves those episodes out; we count them). */
  fpInVf: number;
  se: number;
  ppv: number;
}

export interface QrsHeldOut {
  toleranceMs: number;
  perRecord: Record<string, QrsRecordScore>;
  /** Gross over the non-paced held-out records, and apart over the paced ones. */
  gross: Record<'unpaced' | 'paced', Match & { records: number; se: number; ppv: number }>;
  /** The lowest per-record Se and +P among the non-paced records, and which record. */
  worst: { se: number; seRecord: string; ppv: number; ppvRecord: string };
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

/** Detections that match no reference beat within the tolerance (both lists sorted). */
function unmatched(reference: number[], detected: number[], tolerance: number): number[] {
  let i = 0;
  return detected.filter((d) => {
    while (i < reference.length && reference[i] < d - tolerance) i++;
    return !(i < reference.length && reference[i] <= d + tolerance);
  });
}

/** Full records (with .dat and .atr; not the 1-minute excerpt 100s) in ecg/mitdb/ that were not used for tuning. */
function heldOutRecords(data: string): string[] {
  return readdirSync(join(data, MITDB_DIR))
    .map((f) => /^(\d{3})\.hea$/.exec(f)?.[1])
    .filter((r): r is string => r !== undefined && !TUNED.has(r) && recordFiles(r).every((f) => existsSync(join(data, f))))
    .sort();
}

export function evalQrsHeldOut(data: string, present: (p: string) => boolean): QrsHeldOut | undefined {
  if (!present(MITDB_DIR)) return undefined;
  const perRecord: Record<string, QrsRecordScore> = {};
  const gross = { unpaced: { tp: 0, fn: 0, fp: 0, records: 0 }, paced: { tp: 0, fn: 0, fp: 0, records: 0 } };
  const rows: (string | number)[][] = [];
  for (const rec of heldOutRecords(data)) {
    const wfdb = readWfdbRecord(join(data, MITDB_DIR, `${rec}.hea`));
    const signal = wfdb.signals.find((s) => s.label === 'MLII') ?? wfdb.signals[0];
    const ann = parseMitAnnotations(readFileSync(join(data, MITDB_DIR, `${rec}.atr`)));
    const ref = beatSamples(ann);
    const res = analyzeEcg(signal);
    const tol = Math.round(0.15 * signal.fs);
    const m = matchBeats(ref, res.beats, tol);
    const vf = vfEpisodes(ann, signal.data.length);
    const fpInVf = unmatched(ref, res.beats, tol).filter((d) => vf.some(([a, b]) => d >= a && d < b)).length;
    const g = gross[PACED.has(rec) ? 'paced' : 'unpaced'];
    addMatch(g, m);
    g.records++;
    perRecord[rec] = { lead: signal.label, fpInVf, tp: m.tp, fn: m.fn, fp: m.fp, se: se(m), ppv: ppv(m) };
    rows.push([rec + (PACED.has(rec) ? ' (paced)' : ''), signal.label, ref.length, m.tp, m.fn, m.fp, fpInVf, se(m), ppv(m)]);
  }
  if (rows.length === 0) return undefined;
  const unpaced = Object.entries(perRecord).filter(([r]) => !PACED.has(r));
  const lowest = (k: 'se' | 'ppv') => unpaced.reduce((a, b) => (b[1][k] < a[1][k] ? b : a), unpaced[0]);
  const out: QrsHeldOut = {
    toleranceMs: 150,
    perRecord,
    gross: {
      unpaced: { ...gross.unpaced, se: se(gross.unpaced), ppv: ppv(gross.unpaced) },
      paced: { ...gross.paced, se: se(gross.paced), ppv: ppv(gross.paced) },
    },
    worst: { se: lowest('se')[1].se, seRecord: lowest('se')[0], ppv: lowest('ppv')[1].ppv, ppvRecord: lowest('ppv')[0] },
  };
  console.log('\n==== Held-out QRS detection: MIT-BIH records not used for tuning (reference: .atr beat annotations, +-150 ms) ====');
  console.log(table(['record', 'lead', 'beats', 'TP', 'FN', 'FP', 'FP in VF/VFL', 'Se %', '+P %'], rows));
  for (const k of ['unpaced', 'paced'] as const) {
    const g = out.gross[k];
    console.log(`gross ${k} (${g.records} records): Se ${g.se.toFixed(2)}%  +P ${g.ppv.toFixed(2)}%`);
  }
  console.log(`lowest non-paced record: Se ${out.worst.se.toFixed(2)}% (${out.worst.seRecord}), +P ${out.worst.ppv.toFixed(2)}% (${out.worst.ppvRecord})`);
  console.log('FP in VF/VFL: false positives inside ventricular flutter/fibrillation episodes, where .atr marks flutter waves (!), not beats; EC57 leaves these episodes out of Se/+P, here they count.');
  return out;
}

/**
 * The noise-stress TUNING set: MIT-BIH DS1 records with the NSTDB's electrode-motion noise added
 * the NSTDB way (Moody, Muldrow & Mark 1984; WFDB nst and nstdbgen): clean for the first 5 min,
 * then noise in 2-min segments alternating with 2-min clean ones to the record's end, at 6 and
 * 0 dB (nominal NSTDB scale: the 118e12 noise times pp(record) / pp(118) x 10^((12 - snr) / 20),
 * bench/eval/nstdb-noise.ts). Scored from 5:00 on, as EC57 scores the NSTDB.
 *
 * The only em noise here is the 80 s in the 118e12 excerpt, so it is tiled: mirrored (forward,
 * backward, ...), which joins without a step and without the drift that wrapping with an offset
 * (nst's way at the end of its noise record) adds up over 30 min; like nst, the noise is read
 * by the record's clock, so each segment starts at another phase of it.
 *
 * Records: DS1 (tuning data) of varied rhythm, not 118 (whose reconstructions at 6 / 0 dB are the
 * reported figures): 101 (normal, a few APCs), 106 (PVCs, bigeminy), 119 (PVC bigeminy / trigeminy),
 * 201 (AF, junctional, PVCs), 203 (AF/flutter, multiform PVCs), 208 (many PVCs and fusion beats),
 * 215 (frequent PVCs, fast), 223 (PVCs, ventricular runs). An honest limit: the reported 118 rows
 * share this noise realisation, so they are unseen ECG under seen noise.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeEcg } from '../../src/main/analysis/offline/analyze';
import { readWfdbRecord } from '../../src/main/analysis/offline/load-input';
import { beatSamples, parseMitAnnotations } from '../../src/main/formats/wfdb';
import { addMatch, ppv, se, type Match } from '../../src/main/analysis/evaluation/beat-matching';
import { table } from '../../src/main/analysis/evaluation/text-table';
import { extractNstdbNoise, NSTDB_NOISE_FILES, nominalGain, nstdbNoiseCheck, qrsPeakToPeak, type NstdbNoise } from './nstdb-noise';
import { MITDB_DIR, leadOf, recordFiles } from './qrs-mitdb';
import { f1, noiseFailureLine, scoreWithUsability, type UsableScore } from './usable-scoring';

export const NOISE_STRESS_RECORDS = ['101', '106', '119', '201', '203', '208', '215', '223'];
export const NOISE_STRESS_SNRS = [6, 0];
export const noiseStressFiles = [...NSTDB_NOISE_FILES, ...NOISE_STRESS_RECORDS.flatMap(recordFiles)];
/** The NSTDB protocol: clean up to 5:00, then noise on and off every 2 min. */
const CLEAN_START_SEC = 300;
const SEGMENT_SEC = 120;

export interface NoiseStressRecord {
  record: string;
  snr: number;
  fs: number;
  data: Float64Array;
  ref: number[];
  /** Scoring starts here (samples). */
  from: number;
}

/** Whether the NSTDB protocol adds noise at sample i. */
export const noisyAt = (i: number, fs: number) => i >= CLEAN_START_SEC * fs && Math.floor((i / fs - CLEAN_START_SEC) / SEGMENT_SEC) % 2 === 0;

/** The noise sample at time i: the excerpt's noise mirrored end to end (period 2 x its length). */
function tiledNoise(n: NstdbNoise, i: number): number {
  const len = n.noise.length;
  const k = i % (2 * len);
  return n.noise[k < len ? k : 2 * len - 1 - k];
}

/** `record` with the NSTDB noise at `snr` dB (nominal), as described in the header. */
export function withNstdbNoise(data: string, n: NstdbNoise, record: string, snrs: number[]): NoiseStressRecord[] {
  const rec = readWfdbRecord(join(data, MITDB_DIR, `${record}.hea`));
  const signal = leadOf(rec);
  const ann = parseMitAnnotations(readFileSync(join(data, MITDB_DIR, `${record}.atr`)));
  const pp = qrsPeakToPeak(signal.data, signal.fs, ann);
  if (signal.fs !== n.fs) throw new Error(`noise stress: record ${record} is sampled at ${signal.fs} Hz, the NSTDB noise at ${n.fs} Hz`);
  return snrs.map((snr) => {
    const gain = nominalGain(n, pp, snr);
    const x = Float64Array.from(signal.data, (v, i) => (noisyAt(i, signal.fs) ? v + gain * tiledNoise(n, i) : v));
    return { record, snr, fs: signal.fs, data: x, ref: beatSamples(ann), from: CLEAN_START_SEC * signal.fs };
  });
}

export interface NoiseStress {
  toleranceMs: number;
  check: ReturnType<typeof nstdbNoiseCheck>;
  perRecord: Record<string, UsableScore>;
  /** Per SNR ('6 dB', '0 dB'): gross over the records, and within usable stretches. */
  gross: Record<string, Match & { se: number; ppv: number; f1: number; unusablePct: number; usable: Match & { se: number; ppv: number; f1: number } }>;
}

export function evalNoiseStress(data: string, present: (p: string) => boolean): NoiseStress | undefined {
  if (!noiseStressFiles.every(present)) return undefined;
  const n = extractNstdbNoise(data);
  const check = nstdbNoiseCheck(data);
  const out: NoiseStress = { toleranceMs: 150, check, perRecord: {}, gross: {} };
  const rows: (string | number)[][] = [];
  const failures: string[] = [];
  const totals = new Map<number, { all: Match; usable: Match; flagged: number; scoredSec: number }>();
  for (const record of NOISE_STRESS_RECORDS)
    for (const r of withNstdbNoise(data, n, record, NOISE_STRESS_SNRS)) {
      const res = analyzeEcg({ label: 'ecg', unit: 'mV', fs: r.fs, data: r.data });
      const s = scoreWithUsability(r.ref, res, r.data.length, r.from);
      const name = `${record} at ${r.snr} dB`;
      out.perRecord[name] = s;
      rows.push([name, s.tp + s.fn, s.tp, s.fn, s.fp, s.se, s.ppv, s.f1, s.unusablePct, s.usable.se, s.usable.ppv, s.usable.f1]);
      failures.push(`  ${name}: ${noiseFailureLine(r.ref, res, r.from, (t) => (noisyAt(t * r.fs, r.fs) ? ', noise on' : ', clean'))}`);
      const t = totals.get(r.snr) ?? totals.set(r.snr, { all: { tp: 0, fn: 0, fp: 0 }, usable: { tp: 0, fn: 0, fp: 0 }, flagged: 0, scoredSec: 0 }).get(r.snr)!;
      addMatch(t.all, s);
      addMatch(t.usable, s.usable);
      const sec = (r.data.length - r.from) / r.fs;
      t.flagged += (s.unusablePct / 100) * sec;
      t.scoredSec += sec;
    }
  for (const [snr, t] of totals) {
    out.gross[`${snr} dB`] = { ...t.all, se: se(t.all), ppv: ppv(t.all), f1: f1(t.all), unusablePct: (100 * t.flagged) / t.scoredSec, usable: { ...t.usable, se: se(t.usable), ppv: ppv(t.usable), f1: f1(t.usable) } };
    rows.push([`gross ${snr} dB`, t.all.tp + t.all.fn, t.all.tp, t.all.fn, t.all.fp, se(t.all), ppv(t.all), f1(t.all), (100 * t.flagged) / t.scoredSec, se(t.usable), ppv(t.usable), f1(t.usable)]);
  }
  console.log(`\n==== Noise-stress TUNING set: DS1 ${NOISE_STRESS_RECORDS.join(' ')} + NSTDB em noise (2-min segments from 5:00), scored from 5:00, +-150 ms ====`);
  console.log(table(['record', 'beats', 'TP', 'FN', 'FP', 'Se %', '+P %', 'F1 %', 'unusable %', 'usable Se %', 'usable +P %', 'usable F1 %'], rows));
  console.log(`where each row goes wrong (stretches flagged unusable, worst 10 s bins):\n${failures.join('\n')}`);
  console.log(
    `noise check: the 118e12 and 118e24 noise differ by ${check.apartDb.toFixed(2)} dB over the ${check.commonSec.toFixed(1)} s both carry (nominal: 12); ` +
      `the 80 s of 118e12 noise measure ${check.localSnrDb.toFixed(1)} dB locally (sigamp's S = pp^2/8 over its mean square; nst calibrated em on its first 300 s).`,
  );
  return out;
}

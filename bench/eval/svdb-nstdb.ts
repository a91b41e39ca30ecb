/**
 * ECG beat detection on SVDB 800 and NSTDB 118 (the 24 and 12 dB excerpts, and the 6 and 0 dB
 * reconstructions from bench/eval/nstdb-reconstruction.ts), with the usability flag's share.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeEcg } from '../../src/main/analysis/offline/analyze';
import { readWfdbRecord } from '../../src/main/analysis/offline/load-input';
import { beatSamples, parseMitAnnotations } from '../../src/main/formats/wfdb';
import { reconstructNstdb118, RECONSTRUCTION_FILES } from './nstdb-reconstruction';
import { ecgFiles } from './floors';
import { noiseFailureLine, scoreWithUsability, type UsableScore } from './usable-scoring';
import { addMatch, ppv, se, type Match } from '../../src/main/analysis/evaluation/beat-matching';
import { table } from '../../src/main/analysis/evaluation/text-table';

/**
 * SVDB 800 and NSTDB 118 (the 24 and 12 dB excerpts, and the 6 and 0 dB reconstructions): Se / +P
 * over everything, the share of time the usability flag calls unusable, and Se / +P within the
 * usable stretches alone.
 */
export function evalSvdbNstdb(data: string, has: (p: string) => boolean, csvInts: (p: string, col: number) => number[]): Record<string, unknown> | undefined {
  type Rec = { name: string; group: 'svdb' | 'nstdb' | 'nstdbReconstructed'; files: string[]; load: () => { data: Float32Array | Float64Array; fs: number; ref: number[] }[] };
  const wfdb = (hea: string, atr: string) => () => {
    const rec = readWfdbRecord(join(data, hea));
    return [{ data: rec.signals[0].data, fs: rec.signals[0].fs, ref: beatSamples(parseMitAnnotations(readFileSync(join(data, atr)))) }];
  };
  const recs: Rec[] = [
    { name: 'svdb 800', group: 'svdb', files: ecgFiles.svdb800, load: wfdb('ecg/svdb/800.hea', 'ecg/svdb/800.atr') },
    ...['24', '12'].map((snr) => ({
      name: `nstdb 118e${snr}`,
      group: 'nstdb' as const,
      files: ecgFiles.nstdb(snr),
      load: () => [{ data: Float64Array.from(csvInts(`ecg/nstdb/heartpy_118e${snr}.csv`, 0)), fs: 360, ref: csvInts(`ecg/nstdb/heartpy_118e${snr}_ann.csv`, 0) }],
    })),
    ...[6, 0].map((snr) => ({ name: `118 at ${snr} dB (reconstructed)`, group: 'nstdbReconstructed' as const, files: RECONSTRUCTION_FILES, load: () => reconstructNstdb118(data, [snr]) })),
  ];
  const rows: (string | number)[][] = [];
  const gross: Record<string, Match> = {};
  const perRecord: Record<string, UsableScore> = {};
  const failures: string[] = [];
  for (const r of recs) {
    if (!r.files.every(has)) continue;
    const [{ data, fs, ref }] = r.load();
    const res = analyzeEcg({ label: 'ecg', unit: 'mV', fs, data });
    const s = scoreWithUsability(ref, res, data.length);
    addMatch((gross[r.group] ??= { tp: 0, fn: 0, fp: 0 }), s);
    rows.push([r.name, ref.length, s.tp, s.fn, s.fp, s.se, s.ppv, s.f1, s.unusablePct, s.usable.se, s.usable.ppv, s.usable.f1]);
    perRecord[r.name] = s;
    if (r.group === 'nstdbReconstructed') failures.push(`  ${r.name}: ${noiseFailureLine(ref, res)}`);
  }
  if (rows.length === 0) return undefined;
  console.log('\nECG beat detection, SVDB and NSTDB (match tolerance +-150 ms; beats withheld as unusable count as missed; "usable": only the stretches not flagged unusable)');
  console.log(table(['record', 'beats', 'TP', 'FN', 'FP', 'Se %', '+P %', 'F1 %', 'unusable %', 'usable Se %', 'usable +P %', 'usable F1 %'], rows));
  if (failures.length) console.log(`where the noisy rows go wrong (stretches flagged unusable, worst 10 s bins):\n${failures.join('\n')}`);
  for (const [k, g] of Object.entries(gross)) console.log(`gross ${k}: Se ${se(g).toFixed(2)}%  +P ${ppv(g).toFixed(2)}%`);
  console.log('118 at 6 / 0 dB: reconstructed from 118e12 and clean MIT-BIH 118 (bench/eval/nstdb-reconstruction.ts), not NSTDB records.');
  return { toleranceMs: 150, perRecord, gross: Object.fromEntries(Object.entries(gross).map(([k, g]) => [k, { ...g, se: se(g), ppv: ppv(g) }])) };
}

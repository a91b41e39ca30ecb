/**
 * Evaluation on real recordings in ../shared/data (never copied into the repo):
 *  - ECG: beat detection, +-150 ms matching, Se / +P per record and gross: MIT-BIH DS1 (the
 *    tuning set), the paced records and the DS2 smoke records 100 and 105, each apart
 *    (bench/eval/qrs-mitdb.ts); SVDB 800; NSTDB 118e24 / 118e12 and 118 at 6 / 0 dB
 *    reconstructed (bench/eval/nstdb-reconstruction.ts), with the usability flag's share;
 *  - ECG under noise, the TUNING set: DS1 records plus the NSTDB's em noise at 6 / 0 dB
 *    (bench/eval/noise-stress.ts);
 *  - PPG: heart-rate MAE per 8 s window (every 2 s) on IEEE SPC 2015 training recordings,
 *    leave-one-recording-out cross-validated (bench/eval/ppg.ts);
 *  - IMU: steps on the Oxford step-counter data, tuned on its optimisation set, reported on its
 *    validation files and leave-one-placement-out: bench/eval/steps.ts;
 *  - held-out checks on recordings never used during development (BIDMC 01, Challenge 2015
 *    a103l / v102s, European ST-T excerpts; ECG-derived references): bench/eval/heldout.ts.
 * Same code as `vitalscope analyze` (the streaming pipelines). Writes bench/results/eval.json.
 * Every figure is held to its floor in bench/eval/floors.ts: the run exits 1 when one fails, and
 * under CI=true also when data a figure needs is missing (outside CI those figures are skipped).
 * Run: npm run eval (part of npm test)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { analyzeEcg } from '../src/main/analysis/offline/analyze';
import { readWfdbRecord } from '../src/main/analysis/offline/load-input';
import { beatSamples, parseMitAnnotations } from '../src/main/formats/wfdb';
import { evalHeldOut } from './eval/heldout';
import { evalPpg } from './eval/ppg';
import { evalSteps } from './eval/steps';
import { evalQrsMitdb } from './eval/qrs-mitdb';
import { reconstructNstdb118, RECONSTRUCTION_FILES } from './eval/nstdb-reconstruction';
import { checkFloors, describeFloor, ecgFiles } from './eval/floors';
import { evalNoiseStress } from './eval/noise-stress';
import { noiseFailureLine, scoreWithUsability, type UsableScore } from './eval/usable-scoring';
import { addMatch, ppv, se, type Match } from '../src/main/analysis/evaluation/beat-matching';
import { table } from '../src/main/analysis/evaluation/text-table';

const DATA = join(import.meta.dirname, '..', '..', 'shared', 'data');
const results: Record<string, unknown> = {};
const has = (p: string) => existsSync(join(DATA, p));
const csvInts = (p: string, col: number) =>
  readFileSync(join(DATA, p), 'utf8')
    .trim()
    .split(/\r?\n/)
    .map((l) => Number(l.split(',')[col]))
    .filter((v) => Number.isFinite(v));

/**
 * SVDB 800 and NSTDB 118 (the 24 and 12 dB excerpts, and the 6 and 0 dB reconstructions): Se / +P
 * over everything, the share of time the usability flag calls unusable, and Se / +P within the
 * usable stretches alone.
 */
function evalEcg(): void {
  type Rec = { name: string; group: 'svdb' | 'nstdb' | 'nstdbReconstructed'; files: string[]; load: () => { data: Float32Array | Float64Array; fs: number; ref: number[] }[] };
  const wfdb = (hea: string, atr: string) => () => {
    const rec = readWfdbRecord(join(DATA, hea));
    return [{ data: rec.signals[0].data, fs: rec.signals[0].fs, ref: beatSamples(parseMitAnnotations(readFileSync(join(DATA, atr)))) }];
  };
  const recs: Rec[] = [
    { name: 'svdb 800', group: 'svdb', files: ecgFiles.svdb800, load: wfdb('ecg/svdb/800.hea', 'ecg/svdb/800.atr') },
    ...['24', '12'].map((snr) => ({
      name: `nstdb 118e${snr}`,
      group: 'nstdb' as const,
      files: ecgFiles.nstdb(snr),
      load: () => [{ data: Float64Array.from(csvInts(`ecg/nstdb/heartpy_118e${snr}.csv`, 0)), fs: 360, ref: csvInts(`ecg/nstdb/heartpy_118e${snr}_ann.csv`, 0) }],
    })),
    ...[6, 0].map((snr) => ({ name: `118 at ${snr} dB (reconstructed)`, group: 'nstdbReconstructed' as const, files: RECONSTRUCTION_FILES, load: () => reconstructNstdb118(DATA, [snr]) })),
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
  if (rows.length === 0) return;
  console.log('\nECG beat detection, SVDB and NSTDB (match tolerance +-150 ms; beats withheld as unusable count as missed; "usable": only the stretches not flagged unusable)');
  console.log(table(['record', 'beats', 'TP', 'FN', 'FP', 'Se %', '+P %', 'F1 %', 'unusable %', 'usable Se %', 'usable +P %', 'usable F1 %'], rows));
  if (failures.length) console.log(`where the noisy rows go wrong (stretches flagged unusable, worst 10 s bins):\n${failures.join('\n')}`);
  for (const [k, g] of Object.entries(gross)) console.log(`gross ${k}: Se ${se(g).toFixed(2)}%  +P ${ppv(g).toFixed(2)}%`);
  console.log('118 at 6 / 0 dB: reconstructed from 118e12 and clean MIT-BIH 118 (bench/eval/nstdb-reconstruction.ts), not NSTDB records.');
  results.ecg = { toleranceMs: 150, perRecord, gross: Object.fromEntries(Object.entries(gross).map(([k, g]) => [k, { ...g, se: se(g), ppv: ppv(g) }])) };
}

/** Holds every figure to its floor (bench/eval/floors.ts). Missing data fails under CI=true and is skipped otherwise. */
function enforceFloors(): number {
  const ci = process.env.CI === 'true';
  const checks = checkFloors(results, (f) => existsSync(join(DATA, f)));
  const bad = checks.filter((c) => c.status === 'failed' || c.status === 'not computed' || (ci && c.status === 'missing data'));
  const skipped = ci ? [] : checks.filter((c) => c.status === 'missing data');
  const met = checks.filter((c) => c.status === 'ok').length;
  console.log(`\nFloors (bench/eval/floors.ts): ${met} of ${checks.length} met, ${bad.length} failed, ${skipped.length} skipped`);
  console.log(
    table(
      ['figure', 'value', 'floor', 'status'],
      checks.map((c) => [c.floor.figure, c.value ?? '-', describeFloor(c.floor), c.status === 'missing data' ? `missing ${c.missing!.length} file(s)` : c.status]),
    ),
  );
  results.floors = checks.map((c) => ({ figure: c.floor.figure, value: c.value ?? null, floor: describeFloor(c.floor), status: c.status }));
  const absent = new Map<string, string[]>();
  for (const f of new Set(checks.flatMap((c) => c.missing ?? []))) absent.set(dirname(f), [...(absent.get(dirname(f)) ?? []), f]);
  if (absent.size) {
    const list = [...absent].map(([dir, files]) => (files.length > 3 ? `${dir}/ (${files.length} files)` : files.join(', ')));
    console.log(`missing under ${DATA}: ${existsSync(DATA) ? list.join(', ') : 'the whole folder'}`);
  }
  if (skipped.length) console.log(`${skipped.length} figure(s) skipped for missing data (under CI=true that fails the run)`);
  for (const c of bad) {
    const why =
      c.status === 'failed'
        ? `${c.value!.toFixed(2)} ${c.floor.unit}, floor ${describeFloor(c.floor)}`
        : c.status === 'missing data'
          ? `its data is missing (${c.missing![0]}${c.missing!.length > 1 ? ` and ${c.missing!.length - 1} more` : ''})`
          : 'not computed although its data is present';
    console.error(`FAIL ${c.floor.figure}: ${why}`);
  }
  return bad.length ? 1 : 0;
}

if (existsSync(DATA)) {
  evalEcg();
  results.ppg = evalPpg(DATA, has, csvInts);
  results.steps = evalSteps(DATA, has);
  results.heldOut = evalHeldOut(DATA, has);
  results.qrsMitdb = evalQrsMitdb(DATA, has);
  results.noiseStress = evalNoiseStress(DATA, has);
} else console.log(`No evaluation data: ${DATA} is absent (it holds MIT-BIH, SVDB, NSTDB, SPC 2015, BIDMC, Challenge 2015, European ST-T and Oxford step-counter files).`);
process.exitCode = enforceFloors();
// A run without the data leaves the committed results alone.
if (existsSync(DATA)) {
  mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
  writeFileSync(join(import.meta.dirname, 'results', 'eval.json'), JSON.stringify({ date: new Date().toISOString(), ...results }, null, 2));
  console.log('\nwrote bench/results/eval.json');
}

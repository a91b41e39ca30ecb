/**
 * The live ECG usability flag (pipelines/ecg-usability-monitor.ts) measured as the live worker
 * runs it: each record's MLII pushed in 0.1 s blocks through the live detector (EcgPipeline), a
 * verdict every 5 s of signal on the last 60 s, one window late plus the 1 s margin
 * (live-analysis.ts). Reported: the share of the judged time flagged unusable, per record, on
 * MIT-BIH DS1, the paced records and DS2 100/105 (clean: every flag there is a false alarm), and on
 * the noise-stress set (bench/eval/noise-stress.ts) inside and outside its noisy segments.
 * Nothing is tuned here. Run: npm run eval:live-usability (about 2 min; not part of npm run eval).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EcgPipeline } from '../../src/main/analysis/pipelines/ecg-pipeline';
import { EcgUsabilityMonitor } from '../../src/main/analysis/pipelines/ecg-usability-monitor';
import { readWfdbRecord } from '../../src/main/analysis/offline/load-input';
import { table } from '../../src/main/analysis/evaluation/text-table';
import { USABLE_MARGIN_S, USABLE_WINDOW_S } from '../../src/shared/ecg-usable';
import { extractNstdbNoise } from './nstdb-noise';
import { NOISE_STRESS_RECORDS, NOISE_STRESS_SNRS, noiseStressFiles, noisyAt, withNstdbNoise } from './noise-stress';
import { DS1_RECORDS, DS2_SMOKE_RECORDS, MITDB_DIR, PACED_RECORDS, leadOf, recordFiles } from './qrs-mitdb';

const DATA = join(import.meta.dirname, '..', '..', '..', 'shared', 'data');
const BLOCK_S = 0.1;

/** The live verdicts over a signal: [start, end) in samples and whether usable. */
function liveVerdicts(x: Float64Array, fs: number): { start: number; end: number; usable: boolean }[] {
  const pipeline = new EcgPipeline(fs);
  const monitor = new EcgUsabilityMonitor(fs);
  const block = Math.round(BLOCK_S * fs);
  const every = Math.round(USABLE_WINDOW_S * fs);
  const margin = Math.round(USABLE_MARGIN_S * fs);
  const out: { start: number; end: number; usable: boolean }[] = [];
  let next = every + margin;
  for (let i = 0; i < x.length; i += block) {
    const b = x.subarray(i, Math.min(x.length, i + block));
    monitor.push(b);
    for (const beat of pipeline.push(b).beats) monitor.beat(beat.sample);
    for (; next <= i + b.length; next += every) {
      const v = monitor.judge(next - margin);
      if (v) out.push({ start: v.start, end: v.end, usable: v.usable });
    }
  }
  return out;
}

/** Percent of the judged samples that `inside` selects that were flagged unusable. */
function flaggedPct(verdicts: { start: number; end: number; usable: boolean }[], inside: (i: number) => boolean): number {
  let judged = 0;
  let flagged = 0;
  for (const v of verdicts)
    for (let i = v.start; i < v.end; i++)
      if (inside(i)) {
        judged++;
        if (!v.usable) flagged++;
      }
  return judged ? (100 * flagged) / judged : NaN;
}

const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '-');

function main(): void {
  const present = (p: string) => existsSync(join(DATA, p));
  const clean = [...DS1_RECORDS, ...PACED_RECORDS, ...DS2_SMOKE_RECORDS].filter((r) => recordFiles(r).every(present));
  if (!clean.length) throw new Error(`live usability: no MIT-BIH records under ${join(DATA, MITDB_DIR)}`);
  const rows = clean.map((rec) => {
    const signal = leadOf(readWfdbRecord(join(DATA, MITDB_DIR, `${rec}.hea`)));
    const group = DS1_RECORDS.includes(rec) ? 'DS1' : PACED_RECORDS.includes(rec) ? 'paced' : 'DS2 smoke';
    return [rec, group, fmt(flaggedPct(liveVerdicts(Float64Array.from(signal.data), signal.fs), () => true))];
  });
  console.log('Live usability on clean records: % of the judged time flagged unusable (false alarms)');
  console.log(table(['record', 'group', 'flagged %'], rows));
  if (!noiseStressFiles.every(present)) {
    console.log('noise-stress set: files missing, skipped');
    return;
  }
  const noise = extractNstdbNoise(DATA);
  const stress = NOISE_STRESS_RECORDS.flatMap((rec) =>
    withNstdbNoise(DATA, noise, rec, NOISE_STRESS_SNRS).map((r) => {
      const noisy = (i: number) => noisyAt(i, r.fs);
      const verdicts = liveVerdicts(r.data, r.fs);
      return [`${rec} at ${r.snr} dB`, fmt(flaggedPct(verdicts, noisy)), fmt(flaggedPct(verdicts, (i) => !noisy(i)))];
    }),
  );
  console.log('\nLive usability on the noise-stress set: % flagged inside its noisy segments and outside them');
  console.log(table(['record', 'noisy segments %', 'clean %'], stress));
}

main();

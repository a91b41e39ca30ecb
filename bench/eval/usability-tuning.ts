/**
 * How the usability flag's decision parameters (ecg-usability.ts: minNoise, mismatchShare,
 * matchBelow, and whether the irregular-RR branch is on) fare on the noise-stress TUNING set
 * (bench/eval/noise-stress.ts), with leave-one-record-out over its 8 records, under the condition
 * that DS1 and the paced records (clean) flag no more seconds than the shipped defaults do.
 * Scored as the eval scores: +-150 ms, from 5:00, withheld beats counted as missed. Two objectives:
 *  - F1: misses and false beats weigh the same;
 *  - F0.5 (van Rijsbergen's F-beta, beta = 0.5): a false beat weighs four times a miss in the
 *    denominator, the preference for "unusable" (no beats) over beats invented in noise.
 * The detector runs once per record; the record-level features (dictionary, noise index, beat
 * shape) keep the shipped settings, only the per-window decision varies.
 * Run: npm run eval:usability (about 3 min; not part of npm run eval).
 */
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { analyzeEcg } from '../../src/main/analysis/offline/analyze';
import { DEFAULT_ECG_USABILITY, judgeUsability, usabilityFeatures, type EcgUsabilityOptions, type UsabilityFeatures } from '../../src/main/analysis/dsp/ecg/ecg-usability';
import { readWfdbRecord, type InputChannel } from '../../src/main/analysis/offline/load-input';
import { addMatch, matchBeats, type Match } from '../../src/main/analysis/evaluation/beat-matching';
import { table } from '../../src/main/analysis/evaluation/text-table';
import { extractNstdbNoise } from './nstdb-noise';
import { NOISE_STRESS_RECORDS, NOISE_STRESS_SNRS, noiseStressFiles, withNstdbNoise } from './noise-stress';
import { DS1_RECORDS, MITDB_DIR, PACED_RECORDS, leadOf, recordFiles } from './qrs-mitdb';

const DATA = join(import.meta.dirname, '..', '..', '..', 'shared', 'data');
const fBeta = (m: Match, beta: number) => (100 * (1 + beta ** 2) * m.tp) / Math.max(1, (1 + beta ** 2) * m.tp + beta ** 2 * m.fn + m.fp);

type Case = { record: string; name: string; features: UsabilityFeatures; ref: number[]; from: number; tol: number };

/** The detector's beats (reported and withheld) of a channel and the usability features over them. */
function featuresOf(channel: InputChannel): UsabilityFeatures {
  const res = analyzeEcg(channel);
  const beats = [...res.beats, ...res.withheld].sort((a, b) => a - b);
  return usabilityFeatures(channel.data, channel.fs, beats);
}

function matchOf(c: Case, o: Partial<EcgUsabilityOptions>): Match {
  const windows = judgeUsability(c.features, o);
  const kept = c.features.beats.filter((b) => b >= c.from && windows[Math.min(windows.length - 1, Math.floor(b / c.features.windowLen))].usable);
  return matchBeats(c.ref, kept, c.tol);
}

const flaggedSec = (f: UsabilityFeatures, o: Partial<EcgUsabilityOptions>) => judgeUsability(f, o).reduce((s, w) => s + (w.usable ? 0 : w.end - w.start), 0);

function main(): number {
  const files = [...noiseStressFiles, ...[...DS1_RECORDS, ...PACED_RECORDS].flatMap(recordFiles)];
  const missing = files.filter((f) => !existsSync(join(DATA, f)));
  if (missing.length) {
    console.error(`usability tuning needs ${missing.length} file(s) missing under ${DATA}: ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', ...' : ''}`);
    return 1;
  }
  const noise = extractNstdbNoise(DATA);
  const cases: Case[] = NOISE_STRESS_RECORDS.flatMap((record) =>
    withNstdbNoise(DATA, noise, record, NOISE_STRESS_SNRS).map((r) => ({
      record,
      name: `${record} at ${r.snr} dB`,
      features: featuresOf({ label: 'ecg', unit: 'mV', fs: r.fs, data: r.data }),
      ref: r.ref.filter((b) => b >= r.from),
      from: r.from,
      tol: Math.round(0.15 * r.fs),
    })),
  );
  const clean = [...DS1_RECORDS, ...PACED_RECORDS].map((rec) => featuresOf(leadOf(readWfdbRecord(join(DATA, MITDB_DIR, `${rec}.hea`)))));
  const cleanLimit = clean.map((f) => flaggedSec(f, DEFAULT_ECG_USABILITY));
  const grid: Partial<EcgUsabilityOptions>[] = [];
  for (const minNoise of [0.08, 0.1, 0.125, 0.15, 0.175, 0.2])
    for (const mismatchShare of [0.3, 0.4, 0.5, 0.6, 0.7, 0.8])
      for (const matchBelow of [0.7, 0.75, 0.8, 0.85, 0.9])
        for (const irregularShare of [DEFAULT_ECG_USABILITY.irregularShare, Infinity]) grid.push({ minNoise, mismatchShare, matchBelow, irregularShare });
  // Only settings that flag no clean record more than the defaults do.
  const allowed = grid.filter((o) => clean.every((f, i) => flaggedSec(f, o) <= cleanLimit[i]));
  const scores = allowed.map((o) => ({ o, per: cases.map((c) => matchOf(c, o)) }));
  const pooled = (per: Match[], keep: (c: Case) => boolean) => per.reduce((g, m, i) => (keep(cases[i]) ? (addMatch(g, m), g) : g), { tp: 0, fn: 0, fp: 0 });
  const describe = (o: Partial<EcgUsabilityOptions>) => `minNoise ${o.minNoise}, mismatchShare ${o.mismatchShare}, matchBelow ${o.matchBelow}, irregular ${o.irregularShare === Infinity ? 'off' : 'on'}`;
  const defaults = scores.find((s) => (['minNoise', 'mismatchShare', 'matchBelow', 'irregularShare'] as const).every((k) => s.o[k] === DEFAULT_ECG_USABILITY[k]))!;
  console.log(`\n==== Usability flag on the noise-stress tuning set: ${allowed.length} of ${grid.length} settings flag no clean DS1/paced record more than the defaults ====`);
  for (const beta of [1, 0.5]) {
    const all = () => true;
    const best = scores.reduce((a, b) => (fBeta(pooled(b.per, all), beta) > fBeta(pooled(a.per, all), beta) ? b : a));
    const rows = NOISE_STRESS_RECORDS.map((rec) => {
      const train = (c: Case) => c.record !== rec;
      const chosen = scores.reduce((a, b) => (fBeta(pooled(b.per, train), beta) > fBeta(pooled(a.per, train), beta) ? b : a));
      const test = (c: Case) => c.record === rec;
      return [rec, describe(chosen.o), fBeta(pooled(chosen.per, test), beta), fBeta(pooled(defaults.per, test), beta)];
    });
    const loro = NOISE_STRESS_RECORDS.reduce<Match>((g, rec) => {
      const chosen = scores.reduce((a, b) => (fBeta(pooled(b.per, (c) => c.record !== rec), beta) > fBeta(pooled(a.per, (c) => c.record !== rec), beta) ? b : a));
      addMatch(g, pooled(chosen.per, (c) => c.record === rec));
      return g;
    }, { tp: 0, fn: 0, fp: 0 });
    console.log(`\nF${beta} (withheld = missed): defaults ${fBeta(pooled(defaults.per, all), beta).toFixed(2)}; best setting ${describe(best.o)}: ${fBeta(pooled(best.per, all), beta).toFixed(2)}; leave-one-record-out pooled ${fBeta(loro, beta).toFixed(2)}`);
    console.log(table(['left out', `chosen on the other 7 (F${beta})`, `F${beta} left out %`, `defaults %`], rows));
  }
  return 0;
}

process.exitCode = main();

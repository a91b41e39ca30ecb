/**
 * Held-out checks: recordings that were NOT used while developing or tuning the ECG detector or
 * the PPG heart-rate tracker (those were tuned on MIT-BIH / SVDB / NSTDB and SPC 2015). Nothing
 * here has reference annotations made by people, so the references are ECG-derived:
 *  - BIDMC 01: PPG (PLETH) heart rate per 8 s window (every 2 s) against the heart rate from the
 *    beats our own ECG detector finds on lead II (mean RR of the beats inside each window);
 *  - Challenge 2015 a103l / v102s: beats on II vs V (agreement at +-150 ms, a consistency check
 *    between leads, not an accuracy figure) and PPG HR vs ECG (II) HR per window;
 *  - European ST-T excerpts: beats found, mean HR and the share of RR intervals that pass the
 *    20% rule (a smoke check; no reference).
 * Same analysis code as `vitalscope analyze`; no parameter is changed.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { rrSeries } from '../../src/main/analysis/dsp/ecg/rr-intervals';
import { analyzeEcg, analyzePpg } from '../../src/main/analysis/offline/analyze';
import { loadInput, type InputChannel, type LoadedInput } from '../../src/main/analysis/offline/load-input';
import { PpgPipeline, type PpgWindow } from '../../src/main/analysis/pipelines';
import type { PpgPolarity } from '../../src/main/analysis/dsp/ppg/polarity';
import { CHALLENGE } from './floors';
import { matchBeats, ppv, se } from '../../src/main/analysis/evaluation/beat-matching';
import { table } from '../../src/main/analysis/evaluation/text-table';

const TOL_BPM = 5;

/** Reference HR of a window: 60 / mean RR of the ECG beats inside [t0, t1] (NaN with < 2 beats). */
export function windowHr(beatTimes: number[], t0: number, t1: number): number {
  let first = NaN,
    last = NaN,
    n = 0;
  for (const t of beatTimes) {
    if (t < t0 || t > t1) continue;
    if (n === 0) first = t;
    last = t;
    n++;
  }
  return n >= 2 ? (60 * (n - 1)) / (last - first) : NaN;
}

export interface HrComparison {
  windows: number;
  /** Windows with a reference (>= 2 ECG beats) that count in the MAE. */
  scored: number;
  /** Windows for which the PPG tracker gave no estimate (counted with error = reference HR). */
  noEstimate: number;
  mae: number;
  within5Pct: number;
  meanRefBpm: number;
  meanPpgBpm: number;
}

/** PPG windows vs ECG-derived HR; a window without a PPG estimate counts as an error of the full reference (as in the SPC 2015 section). */
export function compareHr(windows: PpgWindow[], ecgBeatTimes: number[]): HrComparison {
  let scored = 0,
    noEst = 0,
    err = 0,
    within = 0,
    sumRef = 0,
    sumPpg = 0,
    nPpg = 0;
  for (const w of windows) {
    const ref = windowHr(ecgBeatTimes, w.t0, w.t1);
    if (!Number.isFinite(ref)) continue;
    scored++;
    sumRef += ref;
    if (!Number.isFinite(w.bpm)) {
      noEst++;
      err += ref;
      continue;
    }
    sumPpg += w.bpm;
    nPpg++;
    const e = Math.abs(w.bpm - ref);
    err += e;
    if (e <= TOL_BPM) within++;
  }
  return {
    windows: windows.length,
    scored,
    noEstimate: noEst,
    mae: err / Math.max(1, scored),
    within5Pct: (100 * within) / Math.max(1, scored),
    meanRefBpm: sumRef / Math.max(1, scored),
    meanPpgBpm: sumPpg / Math.max(1, nPpg),
  };
}

/** Share (%) of RR intervals accepted by the project's 20% rule (rrSeries' NN flag), and mean HR from the beat span. */
function rrStats(beats: number[], fs: number): { meanHr: number; nnPct: number } {
  const times = beats.map((b) => b / fs);
  const rr = rrSeries(times);
  let nn = 0;
  for (let i = 0; i < rr.nn.length; i++) nn += rr.nn[i];
  const span = times.length >= 2 ? times[times.length - 1] - times[0] : NaN;
  return { meanHr: (60 * (times.length - 1)) / span, nnPct: (100 * nn) / Math.max(1, rr.nn.length) };
}

/** Replays one PPG channel through PpgPipeline with an explicit polarity (as analyzePpg does, without accelerometer). */
function ppgWithPolarity(ch: InputChannel, polarity: PpgPolarity): { windows: PpgWindow[]; beats: number[] } {
  const pipe = new PpgPipeline(ch.fs, { labels: [ch.label], polarity });
  const block = Math.max(1, Math.round(ch.fs));
  const windows: PpgWindow[] = [];
  const beats: number[] = [];
  for (let i = 0; i < ch.data.length; i += block) {
    const n = Math.min(block, ch.data.length - i);
    const u = pipe.push(Float64Array.from(ch.data.subarray(i, i + n)), n);
    windows.push(...u.windows);
    beats.push(...u.beats);
  }
  beats.push(...pipe.finish());
  return { windows, beats };
}

/** % of ECG RR intervals (both ends moved 150 ms later, towards the pulse) holding exactly one PPG peak. */
function onePeakPerBeatPct(ecgTimes: number[], peakTimes: number[]): number {
  let one = 0;
  for (let k = 1; k < ecgTimes.length; k++) {
    const inside = peakTimes.filter((t) => t > ecgTimes[k - 1] + 0.15 && t <= ecgTimes[k] + 0.15).length;
    if (inside === 1) one++;
  }
  return (100 * one) / Math.max(1, ecgTimes.length - 1);
}

function channel(input: LoadedInput, label: string): InputChannel {
  const c = input.channels.find((x) => x.label.trim().toLowerCase() === label.toLowerCase());
  if (!c) throw new Error(`${input.source}: no ${label} signal (has ${input.channels.map((x) => x.label).join(', ')})`);
  return c;
}

/** PPG HR (analyze path) against the HR from our ECG beats on lead II of the same record. */
function ppgVsEcg(input: LoadedInput) {
  const ppgStream = input.streams.find((s) => s.kind === 'ppg');
  if (!ppgStream) throw new Error(`${input.source}: no PPG stream`);
  const pleth = channel(input, 'PLETH');
  const ii = channel(input, 'II');
  const ecg = analyzeEcg(ii);
  const ecgTimes = ecg.beats.map((b) => b / ii.fs);
  const ppg = analyzePpg(ppgStream, undefined, pleth);
  const cmp = compareHr(ppg.windows, ecgTimes);
  // Polarity: analyzePpg detects it; the window HR comes from the spectral tracker (polarity-free)
  // and only the peak list depends on it, so the other polarity is replayed for comparison.
  const other = ppgWithPolarity(pleth, ppg.polarity.used === 'volume' ? 'intensity' : 'volume');
  const sameHr = other.windows.length === ppg.windows.length && other.windows.every((w, i) => Object.is(w.bpm, ppg.windows[i].bpm));
  const quality = { good: 0, fair: 0, poor: 0 };
  for (const w of ppg.windows) quality[w.quality]++;
  const peakTimes = (beats: number[]) => beats.map((b) => b / pleth.fs);
  return {
    ppgWindows: ppg.windows,
    ecg,
    ecgRr: rrStats(ecg.beats, ii.fs),
    cmp,
    quality,
    polarity: {
      ...ppg.polarity,
      windowHrSameWithOther: sameHr,
      peaks: ppg.beats.length,
      peaksOther: other.beats.length,
      onePeakPerBeatPct: onePeakPerBeatPct(ecgTimes, peakTimes(ppg.beats)),
      onePeakPerBeatPctOther: onePeakPerBeatPct(ecgTimes, peakTimes(other.beats)),
    },
  };
}

function polarityLine(p: ReturnType<typeof ppgVsEcg>['polarity'], ecgBeats: number): string {
  const otherName = p.used === 'volume' ? 'intensity' : 'volume';
  return (
    `PPG polarity: ${p.used} (${p.how}, slope skew ${p.slopeSkew ?? '-'}); window HR identical with ${otherName}: ${p.windowHrSameWithOther ? 'yes' : 'NO'}; ` +
    `peaks ${p.peaks} (${otherName}: ${p.peaksOther}) for ${ecgBeats} ECG beats; RR intervals with exactly one peak ${p.onePeakPerBeatPct.toFixed(1)}% (${otherName}: ${p.onePeakPerBeatPctOther.toFixed(1)}%)`
  );
}

export function evalHeldOut(data: string, present: (p: string) => boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const has = (p: string) => present(p) || (console.log(`\nmissing (skipped): ${p}`), false);
  console.log('\n==== Held-out checks (not used during development) ====');
  console.log('References are ECG-derived (our own detector on lead II, and V for the Challenge records), not human annotations; PPG windows 8 s every 2 s, reference HR = 60 / mean RR of the ECG beats inside each window.');

  // 1. BIDMC 01: PPG HR vs ECG (II) HR.
  const bidmcFile = 'ppg/bidmc/bidmc_01_Signals.csv';
  if (has(bidmcFile)) {
    const input = loadInput(join(data, bidmcFile));
    const r = ppgVsEcg(input);
    const c = r.cmp;
    console.log('\nBIDMC 01 (ICU, finger PLETH, 125 Hz): PPG HR vs HR from ECG beats on lead II');
    console.log(
      table(
        ['record', 'ECG beats', 'ECG HR', 'ECG RR NN %', 'windows', 'no est.', 'PPG HR', 'MAE bpm', `within ${TOL_BPM} bpm %`, 'good/fair/poor'],
        [['bidmc_01', r.ecg.beats.length, r.ecgRr.meanHr, r.ecgRr.nnPct, c.scored, c.noEstimate, c.meanPpgBpm, c.mae, c.within5Pct, `${r.quality.good}/${r.quality.fair}/${r.quality.poor}`]],
      ),
    );
    console.log(polarityLine(r.polarity, r.ecg.beats.length));
    out.bidmc01 = { ecgBeats: r.ecg.beats.length, ecgMeanHr: r.ecgRr.meanHr, ecgNnPct: r.ecgRr.nnPct, ...c, quality: r.quality, polarity: r.polarity };
  }

  // 2. Challenge 2015 records: II vs V, PPG vs ECG.
  const rows: (string | number)[][] = [];
  const chal: Record<string, unknown> = {};
  for (const rec of Object.keys(CHALLENGE)) {
    const [hea, signals] = CHALLENGE[rec];
    if (!has(hea) || !has(signals)) continue;
    const input = loadInput(join(data, hea));
    const r = ppgVsEcg(input);
    const v = channel(input, 'V');
    const ecgV = analyzeEcg(v);
    const m = matchBeats(r.ecg.beats, ecgV.beats, Math.round(0.15 * v.fs));
    const cmpV = compareHr(r.ppgWindows, ecgV.beats.map((b) => b / v.fs));
    const rrV = rrStats(ecgV.beats, v.fs);
    const alarm = readFileSync(join(data, hea), 'latin1')
      .split(/\r?\n/)
      .filter((l) => l.startsWith('#'))
      .map((l) => l.slice(1).trim())
      .join(', ');
    rows.push([
      rec,
      alarm,
      r.ecg.beats.length,
      ecgV.beats.length,
      se(m),
      ppv(m),
      `${r.ecgRr.meanHr.toFixed(1)} / ${rrV.meanHr.toFixed(1)}`,
      `${r.ecgRr.nnPct.toFixed(1)} / ${rrV.nnPct.toFixed(1)}`,
      r.cmp.scored,
      r.cmp.mae,
      r.cmp.within5Pct,
      cmpV.mae,
      cmpV.within5Pct,
      `${r.polarity.used} ${r.polarity.peaks}, ${r.polarity.onePeakPerBeatPct.toFixed(1)}%`,
    ]);
    chal[rec] = {
      alarm,
      beatsII: r.ecg.beats.length,
      beatsV: ecgV.beats.length,
      vVsII: { tp: m.tp, fn: m.fn, fp: m.fp, se: se(m), ppv: ppv(m) },
      ecgMeanHrII: r.ecgRr.meanHr,
      ecgNnPctII: r.ecgRr.nnPct,
      ecgMeanHrV: rrV.meanHr,
      ecgNnPctV: rrV.nnPct,
      ppgVsEcgII: r.cmp,
      ppgVsEcgV: cmpV,
      quality: r.quality,
      polarity: r.polarity,
    };
  }
  if (rows.length) {
    console.log('\nPhysioNet Challenge 2015 records (250 Hz): beats on V vs II (+-150 ms; lead consistency, II taken as reference), PPG HR vs ECG HR from II and from V');
    console.log(
      table(
        ['record', 'alarm', 'beats II', 'beats V', 'V Se %', 'V +P %', 'ECG HR II / V', 'RR NN % II / V', 'windows', 'PPG MAE vs II', `<=${TOL_BPM} % (II)`, 'PPG MAE vs V', `<=${TOL_BPM} % (V)`, 'PPG polarity, peaks, 1 per RR'],
        rows,
      ),
    );
    for (const [rec, r] of Object.entries(chal) as [string, { polarity: ReturnType<typeof ppgVsEcg>['polarity']; beatsII: number }][]) {
      console.log(`${rec}: ${polarityLine(r.polarity, r.beatsII)}`);
    }
    out.challenge2015 = chal;
  }

  // 3. European ST-T excerpts: smoke check.
  const edbDir = 'ecg/edb';
  if (has(edbDir)) {
    const files = readdirSync(join(data, edbDir))
      .filter((f) => f.endsWith('.csv'))
      .sort();
    const erows: (string | number)[][] = [];
    const edb: Record<string, unknown> = {};
    for (const f of files) {
      const values = readFileSync(join(data, edbDir, f), 'utf8')
        .trim()
        .split(/\r?\n/)
        .map((l) => Number(l.split(',')[0]))
        .filter((x) => Number.isFinite(x));
      const fs = 250;
      const res = analyzeEcg({ label: 'ecg', unit: 'mV', fs, data: Float64Array.from(values) });
      const s = rrStats(res.beats, fs);
      erows.push([f.replace('.csv', ''), values.length / fs, res.beats.length, s.meanHr, s.nnPct]);
      edb[f] = { seconds: values.length / fs, beats: res.beats.length, meanHr: s.meanHr, nnPct: s.nnPct };
    }
    if (erows.length) {
      console.log('\nEuropean ST-T excerpts (250 Hz, no reference; smoke check): RR NN % = intervals accepted by the 20% rule');
      console.log(table(['record', 'seconds', 'beats', 'mean HR', 'RR NN %'], erows));
      out.edb = edb;
    }
  }
  return out;
}

/**
 * PPG heart rate under motion on the IEEE SPC 2015 training recordings 1-6 (8 s windows every
 * 2 s; every window counts, a missing estimate as an error of the whole reference HR), with the
 * same code as `vitalscope analyze`:
 *  - in-sample: the tracker's defaults (which are what the grid below picks on all six);
 *  - leave-one-recording-out (the headline): for each recording, the grid point with the lowest
 *    worst-recording MAE on the other five is chosen and the sixth is reported with it.
 *    Parameters are global: one set per fold, never per recording;
 *  - per recording, the worst stretches of the LORO run: time, error, signal quality, motion
 *    (accelerometer RMS and the dominant motion frequency) and whether the estimate was coasting.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { analyzePpg } from '../../src/main/analysis/offline/analyze';
import { loadInput, type InputStream } from '../../src/main/analysis/offline/load-input';
import type { HrTrackerOptions } from '../../src/main/analysis/dsp/ppg/ppg-hr-tracker';
import type { PpgWindow } from '../../src/main/analysis/pipelines';
import { table } from '../../src/main/analysis/evaluation/text-table';

type TrackerSettings = Partial<Omit<HrTrackerOptions, 'fs'>>;

/**
 * The tuning grid of the cross-validation. The jump cost is not in it: SPC 2015 1-6 score within
 * 0.01 bpm for 3 and 5, and 5 is fixed for a pulse dropout in Challenge 2015 a103l (see the
 * tracker's defaults), which makes a103l no longer held out for that one parameter.
 */
export const PPG_GRID: TrackerSettings[] = [3, 10].flatMap((wienerGain) =>
  [0.02, 0.03, 0.05].flatMap((stepCost) => [0, 4, 8, 12].map((cadenceSnapBpm) => ({ wienerGain, stepCost, jumpCost: 5, cadenceSnapBpm }))),
);

/** An error above this (bpm) makes a window part of a failure stretch. */
const FAIL_BPM = 5;

interface Recording {
  name: string;
  ppg: InputStream;
  imu: InputStream | undefined;
  ref: number[];
}

interface Scored {
  mae: number;
  windows: PpgWindow[];
  errors: number[];
}

function score(rec: Recording, settings: TrackerSettings): Scored {
  const res = analyzePpg(rec.ppg, rec.imu, rec.ppg.channels[0], 'auto', undefined, settings);
  const n = Math.min(rec.ref.length, res.windows.length);
  const errors: number[] = [];
  for (let i = 0; i < n; i++) {
    const e = Math.abs(res.windows[i].bpm - rec.ref[i]);
    errors.push(Number.isFinite(e) ? e : rec.ref[i]);
  }
  return { mae: errors.reduce((a, b) => a + b, 0) / Math.max(1, n), windows: res.windows.slice(0, n), errors };
}

/** Dynamic accelerometer RMS (g: the magnitude minus its mean) over [t0, t1) s. */
function accRms(imu: InputStream | undefined, t0: number, t1: number): number {
  if (!imu || imu.channels.length < 3) return NaN;
  const [x, y, z] = imu.channels;
  const a = Math.max(0, Math.floor(t0 * imu.fs)),
    b = Math.min(x.data.length, Math.ceil(t1 * imu.fs));
  const m: number[] = [];
  for (let i = a; i < b; i++) m.push(Math.hypot(x.data[i], y.data[i], z.data[i]));
  const mean = m.reduce((s, v) => s + v, 0) / Math.max(1, m.length);
  return Math.sqrt(m.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, m.length));
}

const median = (v: number[]) => {
  const s = v.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? s[s.length >> 1] : NaN;
};

/** The `count` runs of consecutive windows with error > FAIL_BPM holding the most error (or the worst window when there is none). */
function worstStretches(rec: Recording, run: Scored, count = 2) {
  const runs: [number, number][] = [];
  for (let i = 0; i < run.errors.length; i++) {
    if (run.errors[i] <= FAIL_BPM) continue;
    let j = i;
    while (j + 1 < run.errors.length && run.errors[j + 1] > FAIL_BPM) j++;
    runs.push([i, j]);
    i = j;
  }
  if (!runs.length && run.errors.length) {
    const w = run.errors.indexOf(Math.max(...run.errors));
    runs.push([w, w]);
  }
  const sum = ([a, b]: [number, number]) => run.errors.slice(a, b + 1).reduce((s, e) => s + e, 0);
  return runs
    .sort((p, q) => sum(q) - sum(p))
    .slice(0, count)
    .map(([a, b]) => {
      const ws = run.windows.slice(a, b + 1);
      const quality = { good: 0, fair: 0, poor: 0 };
      for (const w of ws) quality[w.quality]++;
      return {
        t0: ws[0].t0,
        t1: ws[ws.length - 1].t1,
        windows: ws.length,
        maeBpm: sum([a, b]) / ws.length,
        refBpm: rec.ref.slice(a, b + 1).reduce((s, v) => s + v, 0) / ws.length,
        estBpm: ws.reduce((s, w) => s + w.bpm, 0) / ws.length,
        quality,
        accRmsG: accRms(rec.imu, ws[0].t0, ws[ws.length - 1].t1),
        motionBpm: median(ws.map((w) => w.motionBpm)),
        coastingPct: (100 * ws.filter((w) => w.coasting).length) / ws.length,
      };
    });
}

/**
 * The grid point with the lowest worst-recording MAE over the recordings `use` (indices), or the
 * lowest mean MAE. The worst case is the criterion: a setting that loses one recording to the
 * cadence (what fails on unseen data) is worse than one a little less exact on all of them.
 */
function choose(maes: number[][], use: number[], by: 'worst' | 'mean' = 'worst'): number {
  let best = 0,
    bestMae = Infinity;
  maes.forEach((perRec, g) => {
    const m = by === 'worst' ? Math.max(...use.map((r) => perRec[r])) : use.reduce((s, r) => s + perRec[r], 0) / use.length;
    if (m < bestMae - 1e-9) {
      bestMae = m;
      best = g;
    }
  });
  return best;
}

const label = (s: TrackerSettings) => `wiener ${s.wienerGain}, step ${s.stepCost}/bpm, cadence snap ${s.cadenceSnapBpm ? `${s.cadenceSnapBpm} bpm` : 'off'}`;

export function evalPpg(data: string, has: (p: string) => boolean, csvColumn: (p: string, col: number) => number[]): Record<string, unknown> | undefined {
  const dir = 'ppg/spc2015';
  if (!has(dir)) return undefined;
  const recs: Recording[] = readdirSync(join(data, dir))
    .filter((f) => /^DATA_\d+_TYPE\d+\.csv$/.test(f) && has(`${dir}/${f.replace('.csv', '_BPMtrace.csv')}`))
    .sort()
    .map((f) => {
      const input = loadInput(join(data, dir, f));
      return { name: f.replace('.csv', ''), ppg: input.streams.find((s) => s.kind === 'ppg')!, imu: input.streams.find((s) => s.kind === 'imu'), ref: csvColumn(`${dir}/${f.replace('.csv', '_BPMtrace.csv')}`, 2) };
    });
  if (!recs.length) return undefined;
  const inSample = recs.map((r) => score(r, {}));
  const runs = PPG_GRID.map((g) => recs.map((r) => score(r, g)));
  const maes = runs.map((perRec) => perRec.map((s) => s.mae));
  const all = recs.map((_, i) => i);
  const folds = recs.map((r, i) => {
    const g = choose(maes, all.filter((j) => j !== i));
    const run = runs[g][i];
    return { recording: r.name, chosen: PPG_GRID[g], mae: run.mae, inSampleMae: inSample[i].mae, coastingPct: (100 * run.windows.filter((w) => w.coasting).length) / Math.max(1, run.windows.length), failures: worstStretches(r, run) };
  });
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / Math.max(1, v.length);
  const loroMae = mean(folds.map((f) => f.mae));
  // The same folds chosen by mean MAE instead, for comparison.
  const loroByMean = mean(recs.map((_, i) => maes[choose(maes, all.filter((j) => j !== i), 'mean')][i]));
  const inSampleMae = mean(inSample.map((s) => s.mae));
  const onAll = PPG_GRID[choose(maes, all)];

  console.log('\nPPG heart rate, IEEE SPC 2015 1-6 (8 s windows every 2 s; all windows count), leave-one-recording-out over a grid of', PPG_GRID.length);
  console.log(
    table(
      ['recording', 'windows', 'LORO MAE bpm', 'in-sample MAE', 'coasting %', 'chosen on the other five'],
      folds.map((f, i) => [f.recording, inSample[i].windows.length, f.mae, f.inSampleMae, f.coastingPct, label(f.chosen)]),
    ),
  );
  console.log(`LORO mean MAE: ${loroMae.toFixed(2)} bpm (headline; target <= 2.3, TROIKA paper 2.34); in-sample (defaults): ${inSampleMae.toFixed(2)}; grid choice on all six: ${label(onAll)}`);
  console.log(`(choosing each fold by mean instead of worst-recording MAE: LORO ${loroByMean.toFixed(2)} bpm)`);
  console.log(`worst stretches (LORO run; windows with error > ${FAIL_BPM} bpm; acc RMS = accelerometer magnitude's dynamic RMS)`);
  console.log(
    table(
      ['recording', 'from s', 'to s', 'windows', 'MAE', 'ref bpm', 'est bpm', 'good/fair/poor', 'acc RMS g', 'motion bpm', 'coasting %'],
      folds.flatMap((f) =>
        f.failures.map((s) => [f.recording, s.t0, s.t1, s.windows, s.maeBpm, s.refBpm, s.estBpm, `${s.quality.good}/${s.quality.fair}/${s.quality.poor}`, s.accRmsG, s.motionBpm, s.coastingPct]),
      ),
    ),
  );
  // The coasting flag's worth: error where it was raised against where it was not.
  const pooled = (pick: (w: PpgWindow) => boolean) => {
    const e = inSample.flatMap((s) => s.errors.filter((_, i) => pick(s.windows[i])));
    return { windows: e.length, mae: mean(e) };
  };
  const coasting = pooled((w) => w.coasting);
  const measured = pooled((w) => !w.coasting);
  console.log(`in-sample windows coasting: ${coasting.windows} (MAE ${coasting.mae.toFixed(2)}); measured: ${measured.windows} (MAE ${measured.mae.toFixed(2)})`);
  return {
    meanMae: inSampleMae,
    loro: { meanMae: loroMae, folds, meanMaeChosenByMean: loroByMean, chosenOnAll: onAll },
    perRecording: Object.fromEntries(recs.map((r, i) => [r.name, { windows: inSample[i].windows.length, mae: inSample[i].mae }])),
    coasting: { coasting, measured },
  };
}

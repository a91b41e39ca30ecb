/**
 * Step counting on the Oxford step-counter data set, with the tuning kept apart from the report:
 *  - the detector's parameters are searched on `optimisation/` (other users and phones), scored
 *    against its foot-switch contacts, and the shipped defaults (DEFAULT_STEP_PARAMS) must be
 *    that search's optimum;
 *  - `validation/` (user1, six placements) is reported with the shipped defaults through the same
 *    code as `vitalscope analyze`, and again leave-one-placement-out (tuned on five placements'
 *    counts, reported on the sixth): the headline figure;
 *  - per file, where the count goes wrong: missed and false stretches with their times.
 * Step-level matching: a detection matches a ground-truth step within +-TOLERANCE_SEC once the
 * file's median lag (a phone's peak comes at a placement-dependent delay after foot contact) is
 * removed.
 */
import { analyzeImu } from '../../src/main/analysis/offline/analyze';
import { magnitude } from '../../src/main/analysis/dsp/imu/activity';
import { DEFAULT_STEP_PARAMS, StepDetector, type StepParams } from '../../src/main/analysis/dsp/imu/step-detector';
import { addMatch, pairBeats, ppv, se, type Match } from '../../src/main/analysis/evaluation/beat-matching';
import { table } from '../../src/main/analysis/evaluation/text-table';
import { quantile } from '../../src/shared/quantile';
import { OPTIMISATION_DIR, readOptimisation, readValidation, VALIDATION_DIR, type StepRecording } from './step-data';

const TOLERANCE_SEC = 0.25;
/** Unmatched steps this close together form one failure stretch. */
const STRETCH_SEC = 2;

/** The search space: the parameters that decide what counts as walking, each with its values. */
const AXES: [keyof StepParams, number[]][] = [
  ['rmsFactor', [0.3, 0.4, 0.5, 0.6, 0.7]],
  ['boutSteps', [3, 4, 5, 6]],
  // Under 0.5, random jolts (handling, a bumpy ride) pass for a rhythm: not searched.
  ['rhythmMin', [0.5, 0.6, 0.7]],
];
// regularity is not searched: below +-30 % a bout's first steps (speeding up, turning) fail it,
// and above it a step's window reaches a bounce at under half the step period.
/** Grid points with their value index on each axis. */
const GRID: { params: Partial<StepParams>; at: number[] }[] = AXES.reduce<{ params: Partial<StepParams>; at: number[] }[]>(
  (points, [key, values]) => points.flatMap((p) => values.map((v, k) => ({ params: { ...p.params, [key]: v }, at: [...p.at, k] }))),
  [{ params: {}, at: [] }],
);

interface Scored extends Match {
  detected: number;
  truth: number;
  /** Signed count error, % of the truth. */
  errorPct: number;
  lagSec: number;
  missed: number[];
  extra: number[];
}

interface Prepared {
  rec: StepRecording;
  mag: Float64Array;
}

const prepare = (rec: StepRecording): Prepared => {
  const n = rec.axes[0].length;
  const data = new Float64Array(3 * n);
  rec.axes.forEach((a, k) => data.set(a, k * n));
  return { rec, mag: magnitude(data, n) };
};

function score(rec: StepRecording, stepsSec: number[]): Scored {
  const ref = rec.contacts;
  // The file's lag: median offset of each detection to its nearest contact within half a second.
  const near: number[] = [];
  let j = 0;
  for (const s of stepsSec) {
    while (j + 1 < ref.length && Math.abs(ref[j + 1] - s) <= Math.abs(ref[j] - s)) j++;
    if (ref.length && Math.abs(ref[j] - s) < 0.5) near.push(s - ref[j]);
  }
  const lagSec = near.length ? quantile(near, 0.5) : 0;
  const ms = (t: number) => Math.round(t * 1000);
  const pairs = pairBeats(ref.map(ms), stepsSec.map((s) => ms(s - lagSec)), ms(TOLERANCE_SEC));
  const hitRef = new Set(pairs.map((p) => p[0]));
  const hitDet = new Set(pairs.map((p) => p[1]));
  const tp = pairs.length;
  return {
    tp,
    fn: ref.length - tp,
    fp: stepsSec.length - tp,
    detected: stepsSec.length,
    truth: rec.truth,
    errorPct: (100 * (stepsSec.length - rec.truth)) / Math.max(1, rec.truth),
    lagSec,
    missed: ref.filter((_, i) => !hitRef.has(i)),
    extra: stepsSec.filter((_, i) => !hitDet.has(i)),
  };
}

const detect = (p: Prepared, params: Partial<StepParams>) => new StepDetector(p.rec.fs, params).push(p.mag).map((s) => s / p.rec.fs);

/** Optimisation objective: count error and step-level errors alike (they can cancel in a count). */
const stepLoss = (s: Scored) => (Math.abs(s.errorPct) + (100 * (s.fn + s.fp)) / Math.max(1, s.truth)) / 2;

/** Every grid point's score on every file: the tuning runs each detector once per file. */
const gridScores = (files: Prepared[]) => GRID.map((g) => files.map((f) => score(f.rec, detect(f, g.params))));

/**
 * The grid point whose worst neighbour (one step along any axis, itself included) has the least
 * loss over the files in `use`: with few tuning files a sharp optimum is luck, a flat one
 * generalises.
 * Ties go to the earlier point.
 */
function tune(scores: Scored[][], loss: (s: Scored) => number, use: (file: number) => boolean = () => true): Partial<StepParams> {
  const raw = scores.map((perFile) => perFile.reduce((sum, s, i) => sum + (use(i) ? loss(s) : 0), 0));
  let best = 0,
    bestLoss = Infinity;
  GRID.forEach((g, i) => {
    const near = GRID.flatMap((h, j) => (g.at.every((a, k) => Math.abs(a - h.at[k]) <= 1) ? [raw[j]] : []));
    const l = Math.max(...near);
    if (l < bestLoss - 1e-9) [best, bestLoss] = [i, l];
  });
  return GRID[best].params;
}

/** Failure stretches: runs of missed or false steps, with their times. */
function stretches(times: number[]): { from: number; to: number; steps: number }[] {
  const out: { from: number; to: number; steps: number }[] = [];
  for (const t of times) {
    const last = out[out.length - 1];
    if (last && t - last.to <= STRETCH_SEC) {
      last.to = t;
      last.steps++;
    } else out.push({ from: t, to: t, steps: 1 });
  }
  return out;
}

const describeStretches = (kind: string, times: number[]) =>
  stretches(times)
    .sort((a, b) => b.steps - a.steps)
    .slice(0, 3)
    .map((s) => `${kind} ${s.steps} at ${s.from.toFixed(1)}${s.to > s.from ? `-${s.to.toFixed(1)}` : ''} s`);

const paramText = (p: Partial<StepParams>) =>
  Object.entries(p)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

const analyzeSteps = (rec: StepRecording) =>
  analyzeImu({ kind: 'imu', fs: rec.fs, channels: ['ax', 'ay', 'az'].map((label, k) => ({ label, unit: 'm/s2', fs: rec.fs, data: rec.axes[k] })) })
    .stepTimes.filter((t): t is number => t !== null);

export function evalSteps(dataDir: string, has: (p: string) => boolean): Record<string, unknown> | undefined {
  if (!has(VALIDATION_DIR)) return undefined;
  const results: Record<string, unknown> = {};
  const failures: (string | number)[][] = [];
  const fail = (name: string, s: Scored) => failures.push([name, s.fn, s.fp, [...describeStretches('missed', s.missed), ...describeStretches('false', s.extra)].join('; ') || '-']);

  if (has(OPTIMISATION_DIR)) {
    const opt = readOptimisation(dataDir).map(prepare);
    const tuned = tune(gridScores(opt), stepLoss);
    const shipped = Object.entries(tuned).every(([k, v]) => DEFAULT_STEP_PARAMS[k as keyof StepParams] === v);
    const gross: Match = { tp: 0, fn: 0, fp: 0 };
    const rows: (string | number)[][] = [];
    const perFile: Record<string, unknown> = {};
    for (const f of opt) {
      const s = score(f.rec, analyzeSteps(f.rec));
      addMatch(gross, s);
      rows.push([f.rec.name, f.rec.fs, s.truth, s.detected, s.errorPct, se(s), ppv(s), s.lagSec * 1000]);
      perFile[f.rec.name] = { truth: s.truth, detected: s.detected, errorPct: Math.abs(s.errorPct), se: se(s), ppv: ppv(s), lagMs: s.lagSec * 1000 };
      fail(f.rec.name, s);
    }
    console.log(`\nSteps, Oxford optimisation set (tuning data; foot-switch contacts, +-${TOLERANCE_SEC * 1000} ms after each file's median lag)`);
    console.log(table(['recording', 'fs Hz', 'contacts', 'detected', 'error %', 'Se %', '+P %', 'lag ms'], rows));
    console.log(`gross Se ${se(gross).toFixed(2)}%  +P ${ppv(gross).toFixed(2)}%; optimum of ${GRID.length} grid points: ${paramText(tuned)}${shipped ? ' (the shipped defaults)' : ' -- NOT the shipped defaults'}`);
    results.optimisation = { perFile, gross: { ...gross, se: se(gross), ppv: ppv(gross) }, tuned, defaultsAreOptimum: shipped ? 1 : 0 };
  }

  const val = readValidation(dataDir).map(prepare);
  const valScores = gridScores(val);
  const perPlacement: Record<string, unknown> = {};
  const rows: (string | number)[][] = [];
  for (const [i, f] of val.entries()) {
    const s = score(f.rec, analyzeSteps(f.rec));
    const foldParams = tune(valScores, (x) => Math.abs(x.errorPct), (k) => k !== i);
    const lopo = valScores[GRID.findIndex((g) => g.params === foldParams)][i];
    rows.push([f.rec.placement, f.rec.fs, s.truth, s.detected, s.errorPct, se(s), ppv(s), lopo.detected, lopo.errorPct]);
    perPlacement[f.rec.placement] = {
      file: f.rec.name,
      truth: s.truth,
      detected: s.detected,
      errorPct: Math.abs(s.errorPct),
      se: se(s),
      ppv: ppv(s),
      lopo: { detected: lopo.detected, errorPct: Math.abs(lopo.errorPct), params: foldParams },
    };
    fail(`user1 ${f.rec.placement}`, s);
  }
  const worst = (k: (p: Record<string, number | Record<string, number>>) => number) => Math.max(...Object.values(perPlacement).map((p) => k(p as never)));
  console.log('\nSteps, Oxford validation (user1, six placements): shipped defaults (tuned on optimisation/) and leave-one-placement-out (tuned on the other five)');
  console.log(table(['placement', 'fs Hz', 'truth', 'detected', 'error %', 'Se %', '+P %', 'LOPO detected', 'LOPO error %'], rows));
  const headline = worst((p) => (p.lopo as Record<string, number>).errorPct);
  console.log(`worst placement: ${worst((p) => p.errorPct as number).toFixed(2)}% with the shipped defaults, ${headline.toFixed(2)}% leave-one-placement-out (target <= 2.0; the phone's own counter: 2.3)`);
  console.log('\nSteps: where the count goes wrong (missed / false steps against the ground truth)');
  console.log(table(['recording', 'missed', 'false', 'largest stretches'], failures));
  results.validation = { perPlacement, worstErrorPct: worst((p) => p.errorPct as number), worstLopoErrorPct: headline };
  return results;
}

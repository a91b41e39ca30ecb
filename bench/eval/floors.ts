/**
 * The floors `npm run eval` holds the analysis to: one row per figure, with the eval.json path it
 * is read from and the data files (relative to ../shared/data) it is computed from. Each floor sits
 * at or a little below the value measured when it was set (bench/results/eval.json of that commit),
 * so a real regression fails the run. Raise a floor when the figure improves; never lower one to
 * make a change pass without saying why in the commit.
 */
import { DS1_RECORDS, DS2_SMOKE_RECORDS, PACED_RECORDS, recordFiles } from './qrs-mitdb';
import { RECONSTRUCTION_FILES } from './nstdb-reconstruction';
import { noiseStressFiles } from './noise-stress';

export interface Floor {
  figure: string;
  /** Where the value sits in eval.json. */
  path: string[];
  /** The figure must be >= atLeast, or <= atMost. */
  atLeast?: number;
  atMost?: number;
  unit: string;
  data: string[];
}

/** Files (relative to ../shared/data) of the SVDB and NSTDB records, as the eval reads them. */
export const ecgFiles = {
  svdb800: ['ecg/svdb/800.hea', 'ecg/svdb/800.dat', 'ecg/svdb/800.atr'],
  nstdb: (snr: string) => [`ecg/nstdb/heartpy_118e${snr}.csv`, `ecg/nstdb/heartpy_118e${snr}_ann.csv`],
};
const DS1 = DS1_RECORDS.flatMap(recordFiles);
const PACED = PACED_RECORDS.flatMap(recordFiles);
const DS2_SMOKE = DS2_SMOKE_RECORDS.flatMap(recordFiles);
const SVDB = ecgFiles.svdb800;
const NSTDB = ['24', '12'].flatMap(ecgFiles.nstdb);
const SPC2015_RECORDINGS = ['DATA_01_TYPE01', 'DATA_02_TYPE02', 'DATA_03_TYPE02', 'DATA_04_TYPE02', 'DATA_05_TYPE02', 'DATA_06_TYPE02'];
const SPC2015 = SPC2015_RECORDINGS.flatMap((r) => [`ppg/spc2015/${r}.csv`, `ppg/spc2015/${r}_BPMtrace.csv`]);
const OXFORD_PLACEMENTS = ['armband_1506423438471', 'backpocket_1506422470497', 'bag_1506423095164', 'frontpocket_1506422223341', 'hand_1506421989895', 'neckpouch_1506422851785'];
const OXFORD_VALIDATION = OXFORD_PLACEMENTS.map((f) => `imu/oxford-step-counter/validation/user1_${f}.csv`);
const OXFORD_OPTIMISATION = ['Pixel_Jamie_Hard_FrontPocket_1', 'Samsung_Dario_Hard_InHand_1'].flatMap((d) =>
  ['accelerometer.csv', 'stepcounter.csv'].map((f) => `imu/oxford-step-counter/optimisation/${d}/${f}`),
);
const BIDMC = ['ppg/bidmc/bidmc_01_Signals.csv'];
/** Challenge 2015 records: header and signal file. */
export const CHALLENGE: Record<string, string[]> = { a103l: ['wfdb-misc/a103l.hea', 'wfdb-misc/a103l.mat'], v102s: ['wfdb-misc/v102s.hea', 'wfdb-misc/v102s.dat'] };
const EDB = ['heartpy_e0103', 'heartpy_e0110', 'heartpy_e0124'].map((r) => `ecg/edb/${r}.csv`);

export const FLOORS: Floor[] = [
  // QRS. MIT-BIH DS1 is the tuning set (detector, beat verification and usability flag were
  // tuned on it), so its figure is no held-out figure; DS2 is evaluated independently.
  // Measured: DS1 99.59 / 99.25 (worst record 203 Se 96.98, 207 +P 84.15: 349 of its
  // 350 FP in ventricular flutter), paced 99.91 / 99.98, DS2 smoke 100 + 105 99.71 / 99.57.
  // With the detector's wide-beat channel: DS1 99.65 / 99.25 (FN 207 -> 177; 203 Se 97.11).
  // With the beat library (pair rule, search-back) and the second lead: DS1 99.82 / 99.23 (FN 94;
  // 203 Se 98.32; 207 +P 84.16, 349 of its 350 FP in flutter), paced 99.98 / 99.98, DS2 smoke
  // 99.77 / 99.53.
  // Withholding the beats of unusable windows: 99.65 / 99.50 (207's FP 349 -> 218, +P 89.50).
  // Noisy re-detection alone: DS1 99.61 / 99.59 (203 Se 96.41). All three together (library and
  // second lead, noisy re-detection, withholding): DS1 99.79 / 99.59 (203 Se 97.92, 207 +P 92.57,
  // 147 of its 149 FP in flutter), paced 99.98 / 99.98, DS2 smoke 99.86 / 99.61.
  // Runs whose detected beats already match left to the detector: DS1 99.81 / 99.61 (203 Se 98.22,
  // FN 62 -> 53), noise stress F1 91.41 / 86.24. Such runs gaining the missed beats that match as
  // well: 203 FN 53 -> 50 (Se 98.32), nothing else on DS1 moves.
  // The second lead filling gaps over 1.15 (was 1.5) medians, both parts >= 0.4 medians: DS1
  // 99.84 / 99.61 (FN 96 -> 81, FP 197 -> 198; 203 Se 98.76), leave-one-record-out FN 89 (99.83).
  // The record's end confirming the detector's last peak: 99.85 / 99.61 (FN 77, FP 199; LORO FN 85).
  // Pan & Tompkins' T-wave test in the pair rule (clean signal): FP 199 -> 197, FN 77.
  // Search-back outside the gap's first beat's T window (360 ms), the T-wave test up to noise index
  // 0.24 (was 0.12): DS1 99.85 / 99.62 (FN 74, FP 193), LORO FN 82 FP 192, noise stress F1 91.64 / 86.19.
  { figure: 'MIT-BIH DS1 (22 records, tuning set): gross Se', path: ['qrsMitdb', 'gross', 'ds1', 'se'], atLeast: 99.8, unit: '%', data: DS1 },
  { figure: 'MIT-BIH DS1 (22 records, tuning set): gross +P', path: ['qrsMitdb', 'gross', 'ds1', 'ppv'], atLeast: 99.5, unit: '%', data: DS1 },
  { figure: 'MIT-BIH DS1: lowest record Se', path: ['qrsMitdb', 'worstDs1', 'se'], atLeast: 98, unit: '%', data: DS1 },
  // The second lead's gap, split and agreement chosen leave-one-record-out over DS1 + paced
  // (second-lead-loro.ts): DS1 99.84 / 99.62 (FN 82, FP 192); 25 of 26 folds the shipped defaults.
  { figure: 'MIT-BIH DS1, second lead leave-one-record-out: gross Se', path: ['qrsMitdb', 'secondLeadLoro', 'ds1', 'se'], atLeast: 99.8, unit: '%', data: [...DS1, ...PACED] },
  { figure: 'MIT-BIH DS1, second lead leave-one-record-out: gross +P', path: ['qrsMitdb', 'secondLeadLoro', 'ds1', 'ppv'], atLeast: 99.5, unit: '%', data: [...DS1, ...PACED] },
  { figure: 'Second lead defaults are the DS1 + paced optimum', path: ['qrsMitdb', 'secondLeadLoro', 'defaultsAreOptimum'], atLeast: 1, unit: '', data: [...DS1, ...PACED] },
  { figure: 'MIT-BIH paced 102, 104, 107, 217: gross Se', path: ['qrsMitdb', 'gross', 'paced', 'se'], atLeast: 99.95, unit: '%', data: PACED },
  { figure: 'MIT-BIH DS1: lowest record +P', path: ['qrsMitdb', 'worstDs1', 'ppv'], atLeast: 92, unit: '%', data: DS1 },
  { figure: 'MIT-BIH paced 102, 104, 107, 217: gross +P', path: ['qrsMitdb', 'gross', 'paced', 'ppv'], atLeast: 99.9, unit: '%', data: PACED },
  { figure: 'MIT-BIH DS2 smoke 100 + 105: gross Se', path: ['qrsMitdb', 'gross', 'ds2smoke', 'se'], atLeast: 99.7, unit: '%', data: DS2_SMOKE },
  { figure: 'MIT-BIH DS2 smoke 100 + 105: gross +P', path: ['qrsMitdb', 'gross', 'ds2smoke', 'ppv'], atLeast: 99.5, unit: '%', data: DS2_SMOKE },
  // SVDB 800 measured 100 / 100; 99.7 allows 5 of 1883 beats.
  { figure: 'SVDB 800: Se', path: ['ecg', 'gross', 'svdb', 'se'], atLeast: 99.7, unit: '%', data: SVDB },
  { figure: 'SVDB 800: +P', path: ['ecg', 'gross', 'svdb', 'ppv'], atLeast: 99.7, unit: '%', data: SVDB },
  // NSTDB 118e24 + 118e12 measured 100 / 99.70 over 329 beats (one beat is 0.3 %).
  { figure: 'NSTDB 118e24 + 118e12: gross Se', path: ['ecg', 'gross', 'nstdb', 'se'], atLeast: 98.7, unit: '%', data: NSTDB },
  { figure: 'NSTDB 118e24 + 118e12: gross +P', path: ['ecg', 'gross', 'nstdb', 'ppv'], atLeast: 99.0, unit: '%', data: NSTDB },
  // 118 at 6 and 0 dB, reconstructed (not NSTDB records): F1 81.16 and 71.39 before noisy-redetect.ts
  // (peers: 70-92 %), 99.08 and 90.85 with it (Se/+P 99.38/98.77 and 91.98/89.76; nothing flagged,
  // so nothing withheld; same noise realisation as the noise-stress tuning set).
  { figure: '118 at 6 dB (reconstructed): F1', path: ['ecg', 'perRecord', '118 at 6 dB (reconstructed)', 'f1'], atLeast: 98, unit: '%', data: RECONSTRUCTION_FILES },
  { figure: '118 at 0 dB (reconstructed): F1', path: ['ecg', 'perRecord', '118 at 0 dB (reconstructed)', 'f1'], atLeast: 89.5, unit: '%', data: RECONSTRUCTION_FILES },
  // Noise-stress TUNING set (noisy-redetect.ts's weights were chosen on it): gross F1 91.37 at 6 dB,
  // 86.20 at 0 dB with withheld beats counted as missed (85.99 and 75.99 before either); 1.25 and
  // 2.66 % flagged, +P within usable 89.82 and 85.92.
  { figure: 'Noise stress (DS1 + NSTDB em, tuning set) at 6 dB: gross F1', path: ['noiseStress', 'gross', '6 dB', 'f1'], atLeast: 91, unit: '%', data: noiseStressFiles },
  { figure: 'Noise stress (DS1 + NSTDB em, tuning set) at 0 dB: gross F1', path: ['noiseStress', 'gross', '0 dB', 'f1'], atLeast: 85.8, unit: '%', data: noiseStressFiles },
  // Noise on both leads, analysed as two-lead records (second lead filling gaps): F1 91.53 / 86.31
  // (with the second lead's old gap 1.5 and no split: 91.44 / 86.28); 91.57 / 86.36 with the T-wave test.
  { figure: 'Noise stress, noise on both leads, two-lead analysis, at 6 dB: gross F1', path: ['noiseStress', 'twoLead', 'gross', '6 dB', 'f1'], atLeast: 91, unit: '%', data: noiseStressFiles },
  { figure: 'Noise stress, noise on both leads, two-lead analysis, at 0 dB: gross F1', path: ['noiseStress', 'twoLead', 'gross', '0 dB', 'f1'], atLeast: 85.8, unit: '%', data: noiseStressFiles },
  // +P within the stretches the usability flag leaves usable (118: nothing flagged now).
  { figure: '118 at 6 dB (reconstructed): +P within usable stretches', path: ['ecg', 'perRecord', '118 at 6 dB (reconstructed)', 'usable', 'ppv'], atLeast: 97, unit: '%', data: RECONSTRUCTION_FILES },
  { figure: '118 at 0 dB (reconstructed): +P within usable stretches', path: ['ecg', 'perRecord', '118 at 0 dB (reconstructed)', 'usable', 'ppv'], atLeast: 88.5, unit: '%', data: RECONSTRUCTION_FILES },
  { figure: 'Noise stress (DS1 + NSTDB em, tuning set) at 6 dB: +P within usable stretches', path: ['noiseStress', 'gross', '6 dB', 'usable', 'ppv'], atLeast: 89.5, unit: '%', data: noiseStressFiles },
  { figure: 'Noise stress (DS1 + NSTDB em, tuning set) at 0 dB: +P within usable stretches', path: ['noiseStress', 'gross', '0 dB', 'usable', 'ppv'], atLeast: 85.5, unit: '%', data: noiseStressFiles },
  // Leave-one-recording-out (the headline): 1.68 measured (per recording 2.13, 1.66, 1.16, 1.30,
  // 1.57, 2.23); in-sample with the defaults 1.67 (was 2.80 with the greedy tracker; TROIKA: 2.34).
  // With the cadence rule in the grid: LORO 1.53 (1.92, 1.67, 1.29, 1.26, 1.27, 1.78), in-sample 1.53.
  // With the motion lines named per accelerometer axis: LORO 1.51 (2.19, 1.35, 1.20, 1.28, 1.26, 1.77), in-sample 1.50.
  { figure: 'SPC 2015 recordings 1-6: LORO mean PPG HR MAE', path: ['ppg', 'loro', 'meanMae'], atMost: 1.8, unit: 'bpm', data: SPC2015 },
  { figure: 'SPC 2015 recordings 1-6: in-sample mean PPG HR MAE', path: ['ppg', 'meanMae'], atMost: 1.8, unit: 'bpm', data: SPC2015 },
  // Steps, headline: leave-one-placement-out on user1's validation files (measured 0, 0.29, 1.73,
  // 0.92, 0.31, 0.29 % for armband, back pocket, bag, front pocket, hand, neck pouch; 1.2 was the
  // floor before the rhythm gate: its bag fold, tuned on the other five, measures 1.73).
  ...OXFORD_PLACEMENTS.map((f) => ({
    figure: `Oxford user1 ${f.split('_')[0]}: step count error, leave-one-placement-out`,
    path: ['steps', 'validation', 'perPlacement', f.split('_')[0], 'lopo', 'errorPct'],
    atMost: 1.9,
    unit: '%',
    data: OXFORD_VALIDATION,
  })),
  // The shipped defaults, tuned on optimisation/ only: 0.30, 0.58, 2.02, 1.22, 0.61, 0.29 %.
  ...OXFORD_PLACEMENTS.map((f) => ({
    figure: `Oxford user1 ${f.split('_')[0]}: step count error, parameters tuned on optimisation/`,
    path: ['steps', 'validation', 'perPlacement', f.split('_')[0], 'errorPct'],
    atMost: 2.2,
    unit: '%',
    data: OXFORD_VALIDATION,
  })),
  // Step-level, optimisation set against foot contacts (+-250 ms): 99.63 / 99.27 %.
  { figure: 'Oxford optimisation: step Se vs foot contacts', path: ['steps', 'optimisation', 'gross', 'se'], atLeast: 99.4, unit: '%', data: OXFORD_OPTIMISATION },
  { figure: 'Oxford optimisation: step +P vs foot contacts', path: ['steps', 'optimisation', 'gross', 'ppv'], atLeast: 99.0, unit: '%', data: OXFORD_OPTIMISATION },
  // 1 when the shipped DEFAULT_STEP_PARAMS are the optimisation search's optimum.
  { figure: 'Step detector defaults are the optimisation-set optimum', path: ['steps', 'optimisation', 'defaultsAreOptimum'], atLeast: 1, unit: '', data: OXFORD_OPTIMISATION },
  // Held-out PPG vs ECG-derived HR: 0.31 bpm / 99.58 % (BIDMC 01), 2.84 (a103l), 3.75 (v102s) with
  // the greedy tracker; 0.38 / 100, 2.88, 3.79 with the Viterbi path (a103l set its jump cost);
  // 0.42 / 100, 1.65, 1.78 with the cadence rule and the noisy re-detection's fixes.
  { figure: 'BIDMC 01: PPG HR MAE vs ECG', path: ['heldOut', 'bidmc01', 'mae'], atMost: 0.6, unit: 'bpm', data: BIDMC },
  { figure: 'BIDMC 01: PPG windows within 5 bpm of ECG', path: ['heldOut', 'bidmc01', 'within5Pct'], atLeast: 98.5, unit: '%', data: BIDMC },
  { figure: 'Challenge 2015 a103l: PPG HR MAE vs ECG II', path: ['heldOut', 'challenge2015', 'a103l', 'ppgVsEcgII', 'mae'], atMost: 3.3, unit: 'bpm', data: CHALLENGE.a103l },
  { figure: 'Challenge 2015 v102s: PPG HR MAE vs ECG II', path: ['heldOut', 'challenge2015', 'v102s', 'ppgVsEcgII', 'mae'], atMost: 4.2, unit: 'bpm', data: CHALLENGE.v102s },
  // Lead consistency, V against II (92.69 / 99.53 and 90.93 / 90.75).
  { figure: 'Challenge 2015 a103l: beats on V found on II (Se)', path: ['heldOut', 'challenge2015', 'a103l', 'vVsII', 'se'], atLeast: 92.0, unit: '%', data: CHALLENGE.a103l },
  { figure: 'Challenge 2015 v102s: beats on V found on II (Se)', path: ['heldOut', 'challenge2015', 'v102s', 'vVsII', 'se'], atLeast: 90.0, unit: '%', data: CHALLENGE.v102s },
  { figure: 'Challenge 2015 v102s: beats on V found on II (+P)', path: ['heldOut', 'challenge2015', 'v102s', 'vVsII', 'ppv'], atLeast: 90.0, unit: '%', data: CHALLENGE.v102s },
  // European ST-T smoke check: RR intervals passing the 20 % rule (100, 97.30, 99.33).
  ...EDB.map((f) => ({
    figure: `European ST-T ${f.slice(8, -4)}: RR intervals passing the 20 % rule`,
    path: ['heldOut', 'edb', f.slice(8), 'nnPct'],
    atLeast: 96,
    unit: '%',
    data: [f],
  })),
];

export interface FloorCheck {
  floor: Floor;
  /** 'missing data': skipped (or, under CI, failed) because a file it needs is absent. */
  status: 'ok' | 'failed' | 'missing data' | 'not computed';
  value?: number;
  missing?: string[];
}

const valueAt = (results: unknown, path: string[]): unknown => path.reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), results);

/** Checks every floor against the results; `present` says whether a data file exists. */
export function checkFloors(results: unknown, present: (file: string) => boolean): FloorCheck[] {
  return FLOORS.map((floor) => {
    const missing = floor.data.filter((f) => !present(f));
    if (missing.length) return { floor, status: 'missing data', missing };
    const value = valueAt(results, floor.path);
    if (typeof value !== 'number' || Number.isNaN(value)) return { floor, status: 'not computed' };
    const ok = (floor.atLeast === undefined || value >= floor.atLeast) && (floor.atMost === undefined || value <= floor.atMost);
    return { floor, status: ok ? 'ok' : 'failed', value };
  });
}

export const describeFloor = (f: Floor) => (f.atLeast !== undefined ? `>= ${f.atLeast}` : `<= ${f.atMost}`) + ` ${f.unit}`;

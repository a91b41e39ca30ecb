/**
 * The Oxford step-counter data set (Salvi et al. 2018) as the step evaluation reads it:
 * `validation/` phone files (ns timestamp, ax, ay, az in m/s^2, ..., cumulative ground-truth steps
 * in column 5) and `optimisation/` recordings (accelerometer.csv: ns timestamp, accuracy, ax, ay,
 * az; stepcounter.csv: ns timestamp and two foot switches, a step at each 0 -> 1 edge).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface StepRecording {
  name: string;
  /** Placement (validation: armband, backpocket, ...; optimisation: FrontPocket, InHand, ...). */
  placement: string;
  /** Mean sample rate from the timestamps. */
  fs: number;
  /** Channel-major ax, ay, az (m/s^2), n samples each. */
  axes: [Float64Array, Float64Array, Float64Array];
  /** Ground-truth step count over the recording. */
  truth: number;
  /** Ground-truth steps as seconds from the first accelerometer sample. */
  contacts: number[];
}

const rows = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split(/\r?\n/)
    .map((l) => l.split(',').map(Number))
    .filter((c) => c.every(Number.isFinite));

function recording(name: string, placement: string, t: number[], cols: number[][], first: number): Omit<StepRecording, 'truth' | 'contacts'> {
  const fs = (t.length - 1) / ((t[t.length - 1] - t[0]) / 1e9);
  const axis = (k: number) => Float64Array.from(cols, (c) => c[first + k]);
  return { name, placement, fs, axes: [axis(0), axis(1), axis(2)] };
}

export const VALIDATION_DIR = 'imu/oxford-step-counter/validation';
export const OPTIMISATION_DIR = 'imu/oxford-step-counter/optimisation';

export function readValidation(dataDir: string): StepRecording[] {
  const dir = join(dataDir, VALIDATION_DIR);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .map((f) => {
      const cols = rows(join(dir, f));
      const base = recording(f, f.split('_')[1], cols.map((c) => c[0]), cols, 1);
      // The foot device's cumulative count: a step where it goes up.
      const contacts: number[] = [];
      for (let i = 1; i < cols.length; i++) for (let k = cols[i - 1][5]; k < cols[i][5]; k++) contacts.push((cols[i][0] - cols[0][0]) / 1e9);
      return { ...base, truth: contacts.length, contacts };
    });
}

export function readOptimisation(dataDir: string): StepRecording[] {
  const dir = join(dataDir, OPTIMISATION_DIR);
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const acc = rows(join(dir, name, 'accelerometer.csv'));
      const t0 = acc[0][0];
      const base = recording(name, name.split('_')[3], acc.map((c) => c[0]), acc, 2);
      const foot = rows(join(dir, name, 'stepcounter.csv'));
      const contacts: number[] = [];
      for (let i = 1; i < foot.length; i++) for (const k of [1, 2]) if (foot[i][k] - foot[i - 1][k] === 1) contacts.push((foot[i][0] - t0) / 1e9);
      contacts.sort((a, b) => a - b);
      return { ...base, truth: contacts.length, contacts };
    });
}

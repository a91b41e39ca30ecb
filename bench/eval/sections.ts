/**
 * The evaluation's sections: each reads its own data and shares nothing with the others, so
 * bench/eval.ts runs them side by side on worker threads (bench/eval/section-worker.ts). The key
 * is the section's place in bench/results/eval.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evalSvdbNstdb } from './svdb-nstdb';
import { evalPpg } from './ppg';
import { evalSteps } from './steps';
import { evalHeldOut } from './heldout';
import { evalQrsMitdb } from './qrs-mitdb';
import { evalNoiseStress } from './noise-stress';

export const DATA = join(import.meta.dirname, '..', '..', '..', 'shared', 'data');
export const hasData = (p: string) => existsSync(join(DATA, p));
const csvInts = (p: string, col: number) =>
  readFileSync(join(DATA, p), 'utf8')
    .trim()
    .split(/\r?\n/)
    .map((l) => Number(l.split(',')[col]))
    .filter((v) => Number.isFinite(v));

/** In the order the report prints them. */
export const SECTIONS = {
  ecg: () => evalSvdbNstdb(DATA, hasData, csvInts),
  ppg: () => evalPpg(DATA, hasData, csvInts),
  steps: () => evalSteps(DATA, hasData),
  heldOut: () => evalHeldOut(DATA, hasData),
  qrsMitdb: () => evalQrsMitdb(DATA, hasData),
  noiseStress: () => evalNoiseStress(DATA, hasData),
} satisfies Record<string, () => unknown>;
export type Section = keyof typeof SECTIONS;

/**
 * Each section's running time, seconds, measured on 2 cores: bench/eval.ts starts the longest
 * first so that the threads finish together. A Record, so a new section cannot be left out.
 */
const MEASURED_SEC: Record<Section, number> = { qrsMitdb: 140, noiseStress: 120, ppg: 35, steps: 4, heldOut: 3, ecg: 2 };
export const LONGEST_FIRST: readonly Section[] = (Object.keys(SECTIONS) as Section[]).sort((a, b) => MEASURED_SEC[b] - MEASURED_SEC[a]);

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
 * The sections (bench/eval/sections.ts) run side by side on worker threads, one per core; each
 * prints its report whole, in the order sections.ts lists them.
 * Run: npm run eval (part of npm test)
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { checkFloors, describeFloor } from './eval/floors';
import { DATA, LONGEST_FIRST, SECTIONS, type Section } from './eval/sections';
import type { SectionOutcome } from './eval/section-worker';
import { table } from '../src/main/analysis/evaluation/text-table';
import { workerEntry } from '../src/main/worker-entry';

const results: Record<string, unknown> = {};

const runSection = (section: Section) =>
  new Promise<SectionOutcome>((resolve) => {
    // Run from source: the worker loads the TypeScript through tsx as the app's workers do in tests.
    const entry = workerEntry('section-worker.js', join(import.meta.dirname, 'eval', 'section-worker.ts'));
    const worker = new Worker(entry.code, { eval: entry.eval, workerData: section });
    worker.once('message', resolve);
    worker.once('error', (e) => resolve({ error: e.stack ?? e.message, printed: [] }));
    worker.once('exit', (code) => resolve({ error: `its worker exited with code ${code} before reporting`, printed: [] }));
  });

/**
 * Runs every section, longest first, on as many threads as there are cores, and prints each
 * section's report as soon as it and those before it are done. Returns how many sections failed.
 */
async function runSections(): Promise<number> {
  const order = Object.keys(SECTIONS) as Section[];
  const queue = [...LONGEST_FIRST];
  const done = new Map<Section, SectionOutcome>();
  const threads = Math.min(availableParallelism(), queue.length);
  const started = Date.now();
  let next = 0;
  let failed = 0;
  console.error(`eval: ${queue.length} sections on ${threads} worker thread(s)`);
  const printReady = () => {
    for (; next < order.length && done.has(order[next]); next++) {
      const { result, error, printed } = done.get(order[next])!;
      for (const line of printed) (line.stderr ? console.error : console.log)(line.text);
      if (error !== undefined) {
        failed++;
        console.error(`FAIL section ${order[next]}: ${error}`);
      } else if (result !== undefined) results[order[next]] = result;
    }
  };
  await Promise.all(
    Array.from({ length: threads }, async () => {
      for (let section = queue.shift(); section; section = queue.shift()) {
        done.set(section, await runSection(section));
        console.error(`eval: ${section} done at ${Math.round((Date.now() - started) / 1000)} s`);
        printReady();
      }
    }),
  );
  return failed;
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

async function main(): Promise<void> {
  let sectionsFailed = 0;
  if (existsSync(DATA)) sectionsFailed = await runSections();
  else console.log(`No evaluation data: ${DATA} is absent (it holds MIT-BIH, SVDB, NSTDB, SPC 2015, BIDMC, Challenge 2015, European ST-T and Oxford step-counter files).`);
  process.exitCode = enforceFloors() || (sectionsFailed ? 1 : 0);
  // A run without the data, or one whose section failed, leaves the committed results alone.
  if (existsSync(DATA) && !sectionsFailed) {
    mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
    writeFileSync(join(import.meta.dirname, 'results', 'eval.json'), JSON.stringify({ date: new Date().toISOString(), ...results }, null, 2));
    console.log('\nwrote bench/results/eval.json');
  }
}

void main();

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/main/engine';
import type { AnalysisRunSummary } from '../../src/shared/review';
import { cliOn } from '../helpers/cli';
import { jobEnded } from '../helpers/job-ended';
import { tempDir } from '../helpers/temp-dir';

const dir = tempDir('reanalysis');
const db = join(dir.path, 'library.db');
const cli = cliOn(db);

describe('re-analysis of a recorded session with other parameters', () => {
  let session = 0;
  let engine: Engine;

  beforeAll(async () => {
    if (!existsSync(join(__dirname, '../../out/main/cli.js'))) throw new Error('out/main/cli.js is missing: run `npm run build` first');
    // 90 simulated seconds (virtual time): enough for 60 s HRV windows and a PPG polarity decision.
    const rec = await cli('record', '--device', 'sim', '--seconds', '90', '--fast', '--loss', '1');
    expect(rec.code, rec.stderr).toBe(0);
    session = Number(rec.stdout.trim().split('\n').pop());
    engine = await createEngine({ dbPath: db, listPorts: async () => [] });
  }, 60_000);
  afterAll(() => engine?.close());

  it('runs as a job with progress, stores each named run beside the others, and compares them', { timeout: 60_000 }, async () => {
    const start = await engine.reanalyzeSession(session, { name: 'short HRV windows', hrvWindowSec: 60, hrvStepSec: 10 });
    expect(start).toMatchObject({ kind: 'reanalyze', state: 'running', sessionId: session });
    const done = await jobEnded(engine, start.id);
    expect(done.state, done.error).toBe('done');
    expect(done.progress.fraction).toBe(1);
    const other = await jobEnded(engine, (await engine.reanalyzeSession(session, { name: 'PPG upside down', ppgPolarity: 'volume' })).id);
    expect(other.state, other.error).toBe('done');

    const runs = await engine.listAnalysisRuns(session);
    expect(runs.map((r) => r.name)).toEqual(['short HRV windows', 'PPG upside down']);
    const [short, flipped] = runs as [AnalysisRunSummary, AnalysisRunSummary];
    // 90 s in 60 s windows every 10 s: windows end at 60, 70, 80, 90 s; the live default (300 s) has none.
    expect(short.ecg!.hrvWindows).toBeGreaterThanOrEqual(3);
    expect(flipped.ecg!.hrvWindows).toBe(0);
    // The simulator's counts fall at systole (intensity); forcing volume finds other peaks, so the runs differ.
    expect(short.ppg!.polarity).toBe('intensity');
    expect(flipped.ppg!.polarity).toBe('volume');
    // The same heart either way: ECG beats and HR do not depend on the PPG's polarity.
    expect(flipped.ecg!.beats).toBe(short.ecg!.beats);
    expect(short.ecg!.meanHrBpm!).toBeGreaterThan(55);
    expect(short.ecg!.meanHrBpm!).toBeLessThan(95);

    const beats = await engine.getAnalysisRunBeats(session, short.id);
    expect(beats.ecg.length).toBe(short.ecg!.beats);
    expect(beats.ecg[0]).toBeGreaterThanOrEqual(0);
    expect(beats.ecg[beats.ecg.length - 1]).toBeLessThan(95);

    await expect(engine.reanalyzeSession(session, { name: 'PPG upside down' })).rejects.toThrow(/already has an analysis run named "PPG upside down"/);
    await engine.deleteAnalysisRun(session, flipped.id);
    expect((await engine.listAnalysisRuns(session)).map((r) => r.id)).toEqual([short.id]);
    await expect(engine.deleteAnalysisRun(session, flipped.id)).rejects.toThrow(/has no analysis run/);
  });

  it('is reachable from the CLI: reanalyze prints the run id, runs lists and deletes', { timeout: 60_000 }, async () => {
    const made = await cli('reanalyze', String(session), '--name', 'cli run', '--hrv-window', '60');
    expect(made.code, made.stderr).toBe(0);
    const runId = Number(made.stdout.trim());
    const listed = await cli('runs', String(session), '--json');
    const runs = JSON.parse(listed.stdout) as AnalysisRunSummary[];
    expect(runs.find((r) => r.id === runId)).toMatchObject({ name: 'cli run', params: { hrvWindowSec: 60 } });
    expect((await cli('reanalyze', String(session))).code).toBe(2);
    expect((await cli('reanalyze', String(session), '--name', 'x', '--ppg-polarity', 'sideways')).stderr).toMatch(/--ppg-polarity must be auto, volume or intensity/);
    expect((await cli('reanalyze', String(session), '--name', 'cli run')).stderr).toMatch(/already has an analysis run named "cli run"/);
    expect((await cli('runs', String(session), '--delete', String(runId))).code).toBe(0);
    expect((JSON.parse((await cli('runs', String(session), '--json')).stdout) as AnalysisRunSummary[]).some((r) => r.id === runId)).toBe(false);
  });
});

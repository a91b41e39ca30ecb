import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/main/engine';
import { Library, exportSessionCsv, exportSessionFile, importSessionFile, listModelRuns, modelRunOutputs, saveModelRun } from '../../src/main/storage';
import type { ModelRunSummary } from '../../src/shared/model-runs';
import { cliOn } from '../helpers/cli';
import { jobEnded } from '../helpers/job-ended';
import { writePvcSession, type PvcSession } from '../helpers/pvc-session';
import { tempDir } from '../helpers/temp-dir';

const MODELS = join(__dirname, '../fixtures/models');
const BEAT_RR = join(MODELS, 'beat-rr.onnx');
const dir = tempDir('model-runs');
const db = join(dir.path, 'library.db');
const cli = cliOn(db);

/** Each of `want` has one of `got` within `tol` s. */
function allNear(got: number[], want: number[], tol: number): boolean {
  return want.every((w) => got.some((g) => Math.abs(g - w) <= tol));
}

describe('offline model runs stored in a session', () => {
  let fixture: PvcSession;
  let live: PvcSession;
  let engine: Engine;

  beforeAll(async () => {
    if (!existsSync(join(__dirname, '../../out/main/cli.js'))) throw new Error('out/main/cli.js is missing: run `npm run build` first');
    const library = new Library(db);
    fixture = writePvcSession(library);
    live = writePvcSession(library, 60, 'pvc');
    library.close();
    engine = await createEngine({ dbPath: db, listPorts: async () => [] });
  });
  afterAll(async () => {
    await engine?.close();
    dir.cleanup();
  });

  it('runs a model over a session as a job and stores its outputs: counts per class, times from the session start, the premature beats marked', { timeout: 60_000 }, async () => {
    const start = await engine.runModelOnSession(fixture.sessionId, BEAT_RR);
    expect(start).toMatchObject({ kind: 'infer-session', state: 'running', sessionId: fixture.sessionId });
    const done = await jobEnded(engine, start.id);
    expect(done.state, done.error).toBe('done');
    expect(done.output).toMatchObject({ name: 'beat-rr' });

    const [run] = await engine.listModelRuns(fixture.sessionId);
    expect(run).toMatchObject({ id: done.output!.runId, name: 'beat-rr', model: 'beat-rr', file: BEAT_RR, streamKey: 'sim/ecg', output: 'classes', labels: ['N', 'V'], marks: ['V'] });
    const beats = fixture.normal.length + fixture.premature.length;
    // Every beat is detected; the first lacks an RR interval before it, and the beats beside the lost second are skipped.
    expect(run.skipped.rr).toBeGreaterThan(0);
    expect(run.outputs + run.skipped.rr + run.skipped.gap + run.skipped.edge).toBeGreaterThanOrEqual(beats - 2);
    expect(run.counts.N + run.counts.V).toBe(run.outputs);

    const out = await engine.getModelRunOutputs(fixture.sessionId, run.id);
    expect(out.t).toHaveLength(run.outputs);
    expect(out.sample).toHaveLength(run.outputs);
    expect(out.t.every((t, i) => i === 0 || t > out.t[i - 1])).toBe(true);
    // Sample indices count the lost second too, so t = sample / rate here.
    out.t.forEach((t, i) => expect(t).toBeCloseTo(out.sample[i] / 360, 6));
    out.probs![0].forEach((p, i) => expect(p + out.probs![1][i]).toBeCloseTo(1, 5));
    const v = out.t.filter((_, i) => out.label![i] === 1);
    // The model says V when pre/local < 0.9: the premature beats it could run on, and nothing else.
    const runnable = fixture.premature.filter((t) => t > 12 && (t < 59 || t > 70));
    expect(allNear(v, runnable, 0.02)).toBe(true);
    expect(v.length).toBe(run.counts.V);
    expect(allNear(fixture.premature, v, 0.02)).toBe(true);
    expect(out.t.some((t) => t > 59.9 && t < 61.1)).toBe(false); // nothing made up in the gap
  });

  it('refuses clearly: no such session or model, a stream the model cannot use, a duplicate name, a bad manifest', async () => {
    await expect(engine.runModelOnSession(999, BEAT_RR)).rejects.toThrow(/no session 999/);
    await expect(engine.runModelOnSession(fixture.sessionId, join(dir.path, 'nope.onnx'))).rejects.toThrow(/nope\.onnx: no such model file/);
    await expect(engine.runModelOnSession(fixture.sessionId, BEAT_RR, 'beat-rr')).rejects.toThrow(/already has a model run named "beat-rr"/);
    const ppg = join(dir.path, 'ppg-model.onnx');
    copyFileSync(BEAT_RR, ppg);
    const manifest = JSON.parse(readFileSync(`${BEAT_RR}.json`, 'utf8')) as { inputs: { kind?: string }[] };
    manifest.inputs[0].kind = 'ppg';
    writeFileSync(`${ppg}.json`, JSON.stringify(manifest));
    await expect(engine.runModelOnSession(fixture.sessionId, ppg)).rejects.toThrow(/model beat-rr needs a ppg stream with 1 channel\(s\); the input has ecg \(1 ch\)/);
    writeFileSync(`${ppg}.json`, '{"name": 3}');
    await expect(engine.runModelOnSession(fixture.sessionId, ppg)).rejects.toThrow(/ppg-model\.onnx\.json: not a valid model manifest/);
    await expect(engine.deleteModelRun(fixture.sessionId, 12345)).rejects.toThrow(/has no model run 12345/);
  });

  it('cancels: the run ends cancelled and nothing is stored', { timeout: 30_000 }, async () => {
    const job = await engine.runModelOnSession(fixture.sessionId, BEAT_RR, 'cancelled run');
    await engine.cancelJob(job.id);
    expect((await jobEnded(engine, job.id)).state).toBe('cancelled');
    expect((await engine.listModelRuns(fixture.sessionId)).map((r) => r.name)).not.toContain('cancelled run');
  });

  it("reads a live model's recorded outputs back as marks on its source stream", async () => {
    const [record] = await engine.listLiveModelRecords(live.sessionId);
    expect(record).toMatchObject({ outputKey: 'sim/ecg.pvc', streamKey: 'sim/ecg', model: 'pvc', outputs: live.normal.length + live.premature.length });
    expect(record.counts).toEqual({ N: live.normal.length, V: live.premature.length });
    expect(record.marks.key).toBe('sim/ecg');
    expect(record.marks.label.every((l) => l === 'V')).toBe(true);
    record.marks.t.forEach((t, i) => expect(t).toBeCloseTo(live.premature[i], 6));
    expect(await engine.listLiveModelRecords(fixture.sessionId)).toEqual([]);
  });

  it('stores a regression run compactly and reads it back; the CSV export writes each run; deleting the session deletes its runs', () => {
    const library = new Library(db);
    try {
      const manifest = JSON.parse(readFileSync(join(MODELS, 'window-stats.onnx.json'), 'utf8'));
      const regression = { ...manifest, output: { name: 'logits', type: 'regression', unit: 'mV' }, display: { marks: [] } };
      const outputs = [
        { sample: 720, value: 1.5 },
        { sample: 360, value: -2 },
      ];
      const id = saveModelRun(library, fixture.sessionId, { name: 'amplitude, mV', file: '/models/amp.onnx', manifest: regression, streamKey: 'sim/ecg', outputs, skipped: { gap: 1, edge: 0, rr: 0 } });
      const back = modelRunOutputs(library, fixture.sessionId, id);
      expect(back).toMatchObject({ t: [1, 2], sample: [360, 720], label: null, probs: null, value: [-2, 1.5] });
      expect(listModelRuns(library, fixture.sessionId).find((r) => r.id === id)).toMatchObject({ output: 'regression', unit: 'mV', outputs: 2, counts: {}, skipped: { gap: 1 } });

      const files = exportSessionCsv(library, fixture.sessionId, join(dir.path, 'export'));
      const classes = readFileSync(files.find((f) => f.endsWith('model-beat-rr.csv'))!, 'utf8').trim().split('\n');
      expect(classes[0]).toBe('t,sample,label,p_N,p_V');
      expect(classes).toHaveLength(1 + listModelRuns(library, fixture.sessionId)[0].outputs);
      expect(classes[1]).toMatch(/^\d+\.?\d*,\d+,[NV],[\d.e-]+,[\d.e-]+$/);
      expect(readFileSync(files.find((f) => f.endsWith('model-amplitude_mV.csv'))!, 'utf8')).toBe('t,sample,value_mV\n1,360,-2\n2,720,1.5\n');

      // A session exported as its own library file and imported again keeps its runs.
      const file = exportSessionFile(library, fixture.sessionId, join(dir.path, 'session.db'));
      const [copy] = importSessionFile(library, file);
      expect(listModelRuns(library, copy).map((r) => [r.name, r.outputs, r.streamKey])).toEqual(listModelRuns(library, fixture.sessionId).map((r) => [r.name, r.outputs, r.streamKey]));
      expect(modelRunOutputs(library, copy, listModelRuns(library, copy)[1].id).value).toEqual([-2, 1.5]);

      library.deleteSession(fixture.sessionId);
      expect(library.db.prepare('SELECT COUNT(*) FROM model_runs WHERE session_id = ?').pluck().get(fixture.sessionId)).toBe(0);
    } finally {
      library.close();
    }
  });

  it('is reachable from the CLI: infer --save stores a run and prints its id, model-runs lists and deletes', { timeout: 60_000 }, async () => {
    const id = String(live.sessionId);
    const made = await cli('infer', BEAT_RR, id, '--save', '--name', 'from the CLI');
    expect(made.code, made.stderr).toBe(0);
    const runId = Number(made.stdout.trim());
    expect(runId).toBeGreaterThan(0);
    const listed = await cli('model-runs', id, '--json');
    expect(listed.code, listed.stderr).toBe(0);
    const runs = JSON.parse(listed.stdout) as ModelRunSummary[];
    expect(runs.find((r) => r.id === runId)).toMatchObject({ name: 'from the CLI', model: 'beat-rr', streamKey: 'sim/ecg' });
    expect((await cli('model-runs', id)).stdout).toMatch(new RegExp(`^${runId}\\tfrom the CLI\\tbeat-rr\\tsim/ecg\\t\\d+ outputs\\tN \\d+, V \\d+\\tskipped`, 'm'));

    const again = await cli('infer', BEAT_RR, id, '--save', '--name', 'from the CLI');
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe(`vitalscope infer: session ${id} already has a model run named "from the CLI": pick another name or delete that run`);
    expect((await cli('infer', BEAT_RR, 'x', '--save')).code).toBe(2);
    expect((await cli('infer', join(dir.path, 'nope.onnx'), id, '--save')).stderr).toMatch(/nope\.onnx: no such model file/);
    expect((await cli('model-runs', id, '--delete', String(runId))).code).toBe(0);
    expect((await cli('model-runs', id)).stdout).toMatch(/has no model runs/);
    expect((await cli('model-runs', id, '--delete', String(runId))).stderr).toMatch(/has no model run/);
  });
});

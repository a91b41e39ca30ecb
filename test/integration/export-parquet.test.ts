import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/main/engine';
import { JobRunner } from '../../src/main/jobs';
import { Library, exportSessionsParquet, partitionValue, saveStudy, setSessionStudy } from '../../src/main/storage';
import { cliOn } from '../helpers/cli';
import { jobEnded } from '../helpers/job-ended';
import { REVIEW_START, writeReviewSession } from '../helpers/review-session';
import { duckdbQuery as query } from '../helpers/duckdb-query';
import { tempDir } from '../helpers/temp-dir';

const dir = tempDir('export-parquet');
const dbPath = join(dir.path, 'library.db');
const cli = cliOn(dbPath);
let review: number;
let imu: number;
const IMU_START = REVIEW_START + 3600;

beforeAll(() => {
  const library = new Library(dbPath);
  review = writeReviewSession(library).sessionId;
  // A second participant whose id is not safe in a path, a board with firmware, and a channel named like the time column.
  imu = library.createSession('imu', 'Site A/01', IMU_START);
  const device = library.addDevice(imu, { key: 'board', label: 'VS board', transport: 'serial', descriptor: { firmware: '2.1.0' } });
  const acc = library.addStream(imu, device, { key: 'board/acc', deviceId: 'board', name: 'acc', kind: 'imu', rate: 50, channels: ['x', 'y', 't'].map((label) => ({ label, unit: 'g' })) });
  const chunks = Array.from({ length: 10 }, (_, s) => ({
    streamId: acc,
    chunk: { key: 'board/acc', index: s * 50, t0: IMU_START + s, dt: 1 / 50, n: 50, data: Float32Array.from({ length: 150 }, (_, i) => s + i / 1000) },
  }));
  library.write(imu, chunks, [{ streamId: null, event: { kind: 'label', t: IMU_START + 2, duration: 3, text: 'walking' } }]);
  library.setSessionTags(imu, ['pilot', 'wrist']);
  saveStudy(library, { name: 'Gait pilot' });
  setSessionStudy(library, imu, 'Gait pilot');
  library.endSession(imu, IMU_START + 10);
  library.close();
});
afterAll(() => dir.cleanup());

describe('Parquet export', () => {
  it('a job in a worker writes the Hive tree: every stored sample once, lost samples absent, events that join to samples', async () => {
    const out = join(dir.path, 'review');
    const runner = new JobRunner({ dbPath });
    const job = await runner.wait(runner.start({ kind: 'export-parquet', title: 'Parquet export', sessionId: review, params: { sessionIds: [review], dir: out } }).id);
    expect(job.state).toBe('done');
    expect(job.progress.fraction).toBe(1);
    const folder = join(out, 'participant=P-REV', `session=${review}`);
    expect(job.output!.files).toEqual([...['ecg', 'ppg', 'hr'].map((s) => join(folder, `${s}.parquet`)), join(out, 'sessions.parquet'), join(out, 'events.parquet')]);
    expect(readdirSync(dir.path).filter((f) => f.includes('partial'))).toEqual([]);

    const library = new Library(dbPath, { readonly: true });
    const stored = Object.fromEntries(library.session(review)!.streams.map((s) => [s.name, s.samples]));
    library.close();
    for (const name of ['ecg', 'ppg', 'hr']) {
      const [{ n }] = await query(`SELECT count(*)::INT AS n FROM '${join(folder, `${name}.parquet`)}'`);
      expect(n, name).toBe(stored[name]);
    }
    const ecg = join(folder, 'ecg.parquet');
    const [span] = await query(`SELECT min(t) AS a, max(t) AS b, max(abs(t_epoch - t - ${REVIEW_START})) < 1e-6 AS epoch, count(*) FILTER (WHERE t >= 60 AND t < 61)::INT AS lost FROM '${ecg}'`);
    // Times are the stored (re-timed) ones: within a microsecond of the nominal grid.
    expect(span).toEqual({ a: 0, b: expect.closeTo(119.996, 6), epoch: true, lost: 0 });
    // The lost second is a jump in the sample index, not rows of made-up values.
    const jumps = await query(`SELECT sample, d FROM (SELECT sample, sample - lag(sample) OVER (ORDER BY sample) AS d FROM '${ecg}') WHERE d <> 1`);
    expect(jumps).toEqual([{ sample: 61n * 250n, d: 251n }]);
    expect((await query(`SELECT column_name AS c, column_type AS ty FROM (DESCRIBE SELECT * FROM '${join(folder, 'ppg.parquet')}')`)).map((r) => `${r.c} ${r.ty}`)).toEqual([
      't DOUBLE',
      't_epoch DOUBLE',
      'sample BIGINT',
      'red FLOAT',
      'ir FLOAT',
      // DuckDB reads the partition columns from the path by itself.
      'participant VARCHAR',
      'session BIGINT',
    ]);
    // The ECG samples within the marker's second, by a join of events to samples.
    const [marker] = await query(`SELECT count(*)::INT AS n, min(s.t) AS first FROM '${ecg}' s JOIN '${join(out, 'events.parquet')}' e ON e.kind = 'marker' AND s.t >= e.t AND s.t < e.t + 1`);
    expect(marker).toEqual({ n: 250, first: 10 });
    const events = await query(`SELECT kind, count(*)::INT AS n, min(session) AS s FROM '${join(out, 'events.parquet')}' GROUP BY kind ORDER BY kind`);
    expect(events.map((e) => [e.kind, e.s])).toEqual([
      ['beat', BigInt(review)],
      ['gap', BigInt(review)],
      ['marker', BigInt(review)],
    ]);
    const [gap] = await query(`SELECT t, duration, text, stream FROM '${join(out, 'events.parquet')}' WHERE kind = 'gap'`);
    expect(gap).toEqual({ t: 60, duration: 1, text: '5 packets lost (250 samples)', stream: 'ecg' });
  });

  it('CLI --all: one tree for every finished session, read as one dataset with participant and session columns', async () => {
    const out = join(dir.path, 'all');
    const done = await cli('export', '--all', '--format', 'parquet', '--out', out);
    expect(done.code).toBe(0);
    expect(done.stdout.trim().split('\n')).toContain(join(out, 'participant=Site_A_01', `session=${imu}`, 'acc.parquet'));
    const hive = `read_parquet('${out}/participant=*/session=*/*.parquet', hive_partitioning = true, union_by_name = true)`;
    const parts = await query(`SELECT participant, session::INT AS session, count(*)::INT AS n FROM ${hive} GROUP BY ALL ORDER BY session`);
    expect(parts).toEqual([
      { participant: 'P-REV', session: review, n: 29750 + 12000 + 119 },
      { participant: 'Site_A_01', session: imu, n: 500 },
    ]);
    const sessions = await query(`SELECT session::INT AS session, name, participant, study, started_at, duration, device, firmware, tags, streams FROM '${out}/sessions.parquet' ORDER BY session`);
    expect(sessions).toEqual([
      { session: review, name: 'review fixture', participant: 'P-REV', study: null, started_at: REVIEW_START, duration: 120, device: 'Simulated board', firmware: null, tags: [], streams: ['ecg', 'ppg', 'hr'] },
      { session: imu, name: 'imu', participant: 'Site A/01', study: 'Gait pilot', started_at: IMU_START, duration: 10, device: 'VS board', firmware: '2.1.0', tags: ['pilot', 'wrist'], streams: ['acc'] },
    ]);
    // A channel named like the time column gets its own name; sessions.parquet joins to the samples by session.
    const [acc] = await query(`SELECT count(*)::INT AS n, max(t) AS t, max(t_2) AS t2, any_value(x.participant) AS who FROM read_parquet('${out}/*/*/acc.parquet', hive_partitioning = true) a
      JOIN '${out}/sessions.parquet' x ON x.session = a.session`);
    expect(acc).toEqual({ n: 500, t: expect.closeTo(9.98, 6), t2: expect.closeTo(9 + 149 / 1000, 5), who: 'Site A/01' });
    const [walking] = await query(`SELECT session::INT AS s, t, duration FROM '${out}/events.parquet' WHERE kind = 'label'`);
    expect(walking).toEqual({ s: imu, t: 2, duration: 3 });
  });

  it('a range keeps its seconds, a streams filter its streams; a cancel leaves no tree behind', async () => {
    const library = new Library(dbPath, { readonly: true });
    try {
      const out = join(dir.path, 'range');
      await exportSessionsParquet(library, [review], out, { range: { from: 30, to: 40 }, streams: ['sim/ecg', 'hr'] });
      const folder = join(out, 'participant=P-REV', `session=${review}`);
      expect(readdirSync(folder).sort()).toEqual(['ecg.parquet', 'hr.parquet']);
      expect(await query(`SELECT count(*)::INT AS n, min(t) AS a, max(t) AS b FROM '${folder}/ecg.parquet'`)).toEqual([{ n: 2500, a: 30, b: expect.closeTo(39.996, 6) }]);
      expect(await query(`SELECT count(*) FILTER (WHERE t < 30 OR t >= 40)::INT AS outside, count(*) FILTER (WHERE kind = 'marker')::INT AS markers FROM '${out}/events.parquet'`)).toEqual([
        { outside: 0, markers: 0 },
      ]);
      await expect(exportSessionsParquet(library, [review], join(dir.path, 'none'), { streams: ['sim/eeg'] })).rejects.toThrow(`no stream sim/eeg in session ${review}`);

      const cancelled = join(dir.path, 'cancelled');
      let partialSeen = false;
      const cancel = (p: { samplesDone: number; samplesTotal: number }): void => {
        if (p.samplesDone < p.samplesTotal / 2) return;
        partialSeen ||= existsSync(`${cancelled}.partial`);
        throw new Error('cancelled');
      };
      await expect(exportSessionsParquet(library, [review, imu], cancelled, { onProgress: cancel })).rejects.toThrow('cancelled');
      expect(partialSeen).toBe(true);
      expect(readdirSync(dir.path).filter((f) => f.startsWith('cancelled'))).toEqual([]);
    } finally {
      library.close();
    }
  });

  it('replaces an earlier export but never a folder with other files; bad flags exit 2 without a stack', async () => {
    const out = join(dir.path, 'again');
    expect((await cli('export', String(imu), '--format', 'parquet', '--out', out)).code).toBe(0);
    const again = await cli('export', String(review), '--format', 'parquet', '--out', out, '--streams', 'hr');
    expect(again.stdout).toBe([join(out, 'participant=P-REV', `session=${review}`, 'hr.parquet'), join(out, 'sessions.parquet'), join(out, 'events.parquet'), ''].join('\n'));
    expect(readdirSync(out).sort()).toEqual(['events.parquet', 'participant=P-REV', 'sessions.parquet']);

    const other = join(dir.path, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'notes.txt'), 'keep me');
    const refused = await cli('export', String(review), '--format', 'parquet', '--out', other);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${other} is a folder with other files in it`);
    expect(readdirSync(other)).toEqual(['notes.txt']);
    expect(refused.stderr).not.toMatch(/at .*\.js:\d+/);
    for (const [args, message] of [
      [['--all', '--format', 'csv', '--out', out], '--all is for --format parquet'],
      [[String(review), '--all', '--format', 'parquet', '--out', out], 'export takes a session id or --all, not both'],
      [[String(review), '--format', 'parquet'], '--out DIR is required'],
      [[String(review), '--format', 'sqlite', '--out', out, '--streams', 'hr'], '--streams is not for --format sqlite'],
    ] as const) {
      const bad = await cli('export', ...args);
      expect(bad.code, args.join(' ')).toBe(2);
      expect(bad.stderr).toContain(message);
    }
  });

  it('the engine exports into the library exports folder; participant ids are made safe for a path', async () => {
    const engine = await createEngine({ dbPath });
    try {
      const job = await jobEnded(engine, (await engine.exportSession(imu, { format: 'parquet' })).id);
      expect(job.state).toBe('done');
      expect(job.output!.dir).toBe(join(dir.path, 'exports', `session-${imu}-parquet`));
      expect(existsSync(join(job.output!.dir!, 'participant=Site_A_01', `session=${imu}`, 'acc.parquet'))).toBe(true);
    } finally {
      await engine.close();
    }
    expect([partitionValue(''), partitionValue('..'), partitionValue(' P 1 '), partitionValue('a=b%c')]).toEqual(['unknown', 'unknown', 'P_1', 'a_b_c']);
  });
});

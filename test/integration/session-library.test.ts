import { copyFileSync, existsSync, openSync, readdirSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/main/engine';
import { JobRunner } from '../../src/main/jobs';
import { Library, exportSessionFile, importSessionFile, toSummary } from '../../src/main/storage';
import { MIGRATIONS } from '../../src/main/storage/migrations';
import { writeSyntheticSession } from '../helpers/synthetic-session';
import { tempDir } from '../helpers/temp-dir';

const dir = tempDir('session-library');
afterAll(() => dir.cleanup());
let files = 0;
const fresh = (name: string): string => join(dir.path, `${name}-${files++}.db`);

/** Everything a session holds, ids left out, to compare two copies of it. */
function contents(library: Library, id: number) {
  const session = library.session(id)!;
  return {
    session: { ...toSummary(session), id: 0 },
    streams: session.streams.map(({ id: streamId, ...rest }) => ({
      ...rest,
      chunks: [...library.chunks(streamId)].map((c) => ({ ...c, data: Buffer.from(c.data.buffer).toString('base64') })),
    })),
    events: library.events(id),
  };
}

function rowCounts(library: Library): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const t of ['sessions', 'devices', 'streams', 'chunks', 'events', 'session_tags']) counts[t] = library.db.prepare(`SELECT COUNT(*) FROM ${t}`).pluck().get() as number;
  return counts;
}

/** A library with two sessions; the first has a tag, a label and a second (derived) stream. */
function twoSessions(path: string): { library: Library; first: number; second: number } {
  const library = new Library(path);
  const first = writeSyntheticSession(library, { seconds: 20, rate: 250, channels: 3, chunkSamples: 50, name: 'morning walk' }).sessionId;
  const session = library.session(first)!;
  const derived = library.addStream(first, null, { key: 'sim/ecg16.metrics', deviceId: 'sim', name: 'ecg16.metrics', kind: 'other', rate: 1, channels: [{ label: 'HR', unit: 'bpm' }], derivedFrom: 'sim/ecg16' });
  library.write(first, [{ streamId: derived, chunk: { key: 'sim/ecg16.metrics', index: 0, t0: session.startedAt, dt: 1, n: 3, data: new Float64Array([61.5, 62.25, 63]) } }], []);
  library.endSession(first, session.startedAt + 20);
  library.addLabel(first, session.streams[0].id, session.startedAt + 3, 2, 'motion');
  library.setSessionTags(first, ['walk', 'outdoor']);
  const second = writeSyntheticSession(library, { seconds: 10, rate: 100, channels: 1, name: 'night' }).sessionId;
  return { library, first, second };
}

describe('session library storage (real SQLite files)', () => {
  it('renames and tags a session, and both persist across a reopen', () => {
    const path = fresh('tags');
    const { library, first } = twoSessions(path);
    library.renameSession(first, '  walk, take 2 ');
    library.setSessionTags(first, [' outdoor ', 'Outdoor', 'P7  left wrist', '']);
    library.close();
    const reopened = new Library(path);
    const summary = toSummary(reopened.session(first)!);
    expect(summary).toMatchObject({ name: 'walk, take 2', tags: ['outdoor', 'P7 left wrist'], devices: ['Synthetic board'], durationSec: 20 });
    expect(() => reopened.renameSession(first, '   ')).toThrow('a session name cannot be empty');
    expect(() => reopened.setSessionTags(first, ['x'.repeat(41)])).toThrow(/at most 40 characters/);
    expect(() => reopened.renameSession(999, 'x')).toThrow(`no session 999 in ${path}`);
    reopened.close();
  });

  it('deletes everything of one session and nothing of the other', () => {
    const { library, first, second } = twoSessions(fresh('delete'));
    const before = contents(library, second);
    library.deleteSession(first);
    expect(library.session(first)).toBeNull();
    const streams = library.session(second)!.streams.length;
    expect(rowCounts(library)).toEqual({
      sessions: 1,
      devices: 1,
      streams,
      chunks: library.db.prepare('SELECT COUNT(*) FROM chunks c JOIN streams s ON s.id = c.stream_id WHERE s.session_id = ?').pluck().get(second),
      events: library.events(second).length,
      session_tags: 0,
    });
    expect(contents(library, second)).toEqual(before);
    // A session being recorded stays.
    const live = library.createSession('live', '', 1_700_000_000);
    expect(() => library.deleteSession(live)).toThrow(/is being recorded: stop the recording before deleting it/);
    expect(library.session(live)).not.toBeNull();
    library.close();
  });

  it('exports one session as a library file and imports it back identical, under a new id', () => {
    const { library, first } = twoSessions(fresh('source'));
    const file = join(dir.path, 'walk.db');
    const progress: number[] = [];
    expect(exportSessionFile(library, first, file, (p) => progress.push(p.samplesDone))).toBe(file);
    expect(progress.at(-1)).toBe(library.session(first)!.streams.reduce((sum, s) => sum + s.samples, 0));
    expect(readdirSync(dir.path).filter((f) => f.startsWith('walk.db'))).toEqual(['walk.db']); // no -wal, no .partial

    // The file is a library of its own, with only that session, openable as --db.
    const alone = new Library(file);
    expect(alone.sessions().map((s) => s.name)).toEqual(['morning walk']);
    expect(contents(alone, alone.sessions()[0].id)).toEqual(contents(library, first));
    alone.close();

    const target = new Library(fresh('target'));
    const existing = writeSyntheticSession(target, { seconds: 5, rate: 100, channels: 1, name: 'already here' }).sessionId;
    const kept = contents(target, existing);
    const [imported] = importSessionFile(target, file);
    const [again] = importSessionFile(target, file);
    expect(new Set([existing, imported, again]).size).toBe(3);
    expect(contents(target, imported)).toEqual(contents(library, first));
    expect(contents(target, again)).toEqual(contents(library, first));
    expect(contents(target, existing)).toEqual(kept);
    expect(() => exportSessionFile(library, first, file)).toThrow(`${file} already exists`);
    target.close();
    library.close();
  });

  it('imports every session of a whole library file', () => {
    const path = fresh('whole');
    const { library, first, second } = twoSessions(path);
    const expected = [contents(library, first), contents(library, second)];
    library.close();
    const target = new Library(fresh('whole-target'));
    const ids = importSessionFile(target, path);
    expect(ids.map((id) => contents(target, id))).toEqual(expected);
    target.close();
  });

  it('leaves nothing behind when an import is cancelled half way, committed sessions included', () => {
    const path = fresh('cancel-source');
    const { library } = twoSessions(path);
    library.close();
    const target = new Library(fresh('cancel-target'));
    const before = rowCounts(target);
    let inLibrary = 0;
    expect(() =>
      importSessionFile(target, path, (p) => {
        // In the second session: the first one is committed by now.
        if (p.stage.startsWith('night: chunks')) {
          inLibrary = target.db.prepare('SELECT COUNT(*) FROM sessions').pluck().get() as number;
          throw new Error('cancelled');
        }
      }),
    ).toThrow('cancelled');
    expect(inLibrary).toBe(2);
    expect(rowCounts(target)).toEqual(before);
    target.close();
  });

  it('refuses, in one clear line, files it cannot import', () => {
    const target = new Library(fresh('refuse'));
    const newer = fresh('newer');
    new Library(newer).close();
    const raw = new Database(newer);
    raw.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    raw.close();
    const notDb = join(dir.path, 'notes.db');
    writeFileSync(notDb, 'these are not the sessions you are looking for'.repeat(100));
    const other = fresh('other');
    const otherDb = new Database(other);
    otherDb.exec('CREATE TABLE things (x)');
    otherDb.close();
    const cases: [string, RegExp][] = [
      [join(dir.path, 'missing.db'), /^there is no file .*missing\.db$/],
      [dir.path, /is a folder, not a session file$/],
      [newer, new RegExp(`was written by a newer Vitalscope \\(schema ${MIGRATIONS.length + 1}, this version knows ${MIGRATIONS.length}\\): update Vitalscope to import it$`)],
      [notDb, /notes\.db is not an SQLite database/],
      [other, /is an SQLite database but not a Vitalscope library \(it has no sessions table\)$/],
    ];
    for (const [file, message] of cases) expect(() => importSessionFile(target, file)).toThrow(message);
    expect(target.sessions()).toEqual([]);
    target.close();
  });

  it('refuses a damaged file and imports nothing of it', () => {
    const path = fresh('damaged');
    const { library } = twoSessions(path);
    library.db.pragma('journal_mode = DELETE');
    library.close();
    const damaged = join(dir.path, 'damaged-copy.db');
    copyFileSync(path, damaged);
    // Overwrite the middle of the file (chunk pages) with garbage.
    const fd = openSync(damaged, 'r+');
    writeSync(fd, Buffer.alloc(64 * 1024, 0xa5), 0, 64 * 1024, 64 * 1024);
    closeSync(fd);
    const target = new Library(fresh('damaged-target'));
    expect(() => importSessionFile(target, damaged)).toThrow(/damaged-copy\.db is (damaged|not an SQLite database)/);
    expect(target.sessions()).toEqual([]);
    expect(existsSync(damaged)).toBe(true);
    target.close();
  });
});

describe('session files as jobs, beside a live recording', () => {
  it('imports in a worker with its own writable connection while the engine records, and cancels to nothing', async () => {
    // 4 min of 16 channels at 1 kHz (~60 MB of samples): many commits while the recorder flushes.
    const sourcePath = fresh('big-source');
    const source = new Library(sourcePath);
    const big = writeSyntheticSession(source, { seconds: 240, rate: 1000, channels: 16, name: 'big' }).sessionId;
    const file = join(dir.path, 'big-export.db');
    exportSessionFile(source, big, file);
    const expected = contents(source, big);
    source.close();

    const dbPath = fresh('live');
    const engine = await createEngine({ dbPath });
    let imported = 0;
    try {
      await engine.connect('sim');
      await waitUntil(async () => (await engine.getStatus()).streams.length > 0);
      const recording = await engine.startRecording({ name: 'live', participant: '' });
      await expect(engine.deleteSession(recording)).rejects.toThrow(`session ${recording} is being recorded: stop the recording before deleting it`);

      const cancelled = await engine.importSessionFile(file);
      expect(cancelled).toMatchObject({ kind: 'import-session-file', state: 'running', sessionId: 0 });
      // At once: an import of this size may take well under the first progress report.
      await engine.cancelJob(cancelled.id);
      const job = await waitForJob(engine, cancelled.id);
      expect(job.state).toBe('cancelled');
      expect((await engine.listSessions()).map((s) => s.name)).toEqual(['live']);

      const started = await engine.importSessionFile(file);
      const done = await waitForJob(engine, started.id);
      expect(done.state).toBe('done');
      [imported] = done.output!.sessionIds!;
      const status = await engine.getStatus();
      expect(status.recording?.error).toBeUndefined();
      const summary = await engine.stopRecording();
      expect(summary!.streams.find((s) => s.name === 'ecg')!.samples).toBeGreaterThan(0);
    } finally {
      await engine.close();
    }
    const library = new Library(dbPath);
    expect(contents(library, imported)).toEqual(expected);
    library.close();
  });

  it('exports in a worker to a file that opens as a library', async () => {
    const dbPath = fresh('export-job');
    const library = new Library(dbPath);
    const { sessionId } = writeSyntheticSession(library, { seconds: 60, rate: 500, channels: 4, name: 'exported' });
    const expected = contents(library, sessionId);
    library.close();
    const runner = new JobRunner({ dbPath });
    const file = join(dir.path, 'exported.db');
    const job = runner.start({ kind: 'export-session-file', title: 'export', sessionId, params: { sessionId, file, replace: false } });
    const ended = await runner.wait(job.id);
    expect(ended).toMatchObject({ state: 'done', output: { files: [file] } });
    const alone = new Library(file);
    expect(contents(alone, alone.sessions()[0].id)).toEqual(expected);
    alone.close();
    await runner.close();
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function waitForJob(engine: Awaited<ReturnType<typeof createEngine>>, id: number) {
  await waitUntil(async () => (await engine.getStatus()).jobs.find((j) => j.id === id)!.state !== 'running', 60_000);
  return (await engine.getStatus()).jobs.find((j) => j.id === id)!;
}

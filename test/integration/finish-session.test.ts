import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/main/engine';
import { Library } from '../../src/main/storage/library';
import { retimeSession } from '../../src/main/storage/retime';
import type { JobState } from '../../src/shared/types';
import { tempDir } from '../helpers/temp-dir';

async function finished(engine: Engine, sessionId: number): Promise<JobState> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const job = (await engine.getStatus()).jobs.find((j) => j.kind === 'finish-session' && j.sessionId === sessionId);
    if (job && job.state !== 'running') return job;
    if (Date.now() > deadline) throw new Error(`no finished re-timing job for session ${sessionId}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const retimedFlag = (db: string, id: number) => {
  const library = new Library(db);
  try {
    return {
      retimed: (library.db.prepare('SELECT retimed FROM sessions WHERE id = ?').get(id) as { retimed: number }).retimed,
      liveTimesKept: (library.db.prepare('SELECT COUNT(*) AS n FROM chunks c JOIN streams s ON s.id = c.stream_id WHERE s.session_id = ? AND c.t0_live IS NOT NULL').get(id) as { n: number }).n,
    };
  } finally {
    library.close();
  }
};

describe('re-timing a stopped session off the thread that reads devices', () => {
  const dir = tempDir('finish-session');

  it('runs as a job after Stop, and again at the next start when quitting cut it short', { timeout: 60_000 }, async () => {
    const db = join(dir.path, 'library.db');
    const wall0 = performance.now();
    const origin = Date.now() / 1000;
    const now = () => origin + ((performance.now() - wall0) / 1000) * 10;
    let engine = await createEngine({ dbPath: db, simulator: { seed: 4 }, now });
    await engine.connect('sim');
    const id = await engine.startRecording({ name: 'retime me', participant: '' });
    await new Promise((r) => setTimeout(r, 800));
    await engine.stopRecording();
    const job = await finished(engine, id);
    expect(job.state, job.error).toBe('done');
    await engine.close();
    const done = retimedFlag(db, id);
    expect(done.retimed).toBe(1);
    expect(done.liveTimesKept).toBeGreaterThan(0);

    // As if the app had quit while the job ran: the next engine finishes the session by itself.
    const library = new Library(db);
    library.db.prepare('UPDATE sessions SET retimed = 0 WHERE id = ?').run(id);
    library.close();
    engine = await createEngine({ dbPath: db });
    expect((await finished(engine, id)).state).toBe('done');
    await engine.close();
    expect(retimedFlag(db, id).retimed).toBe(1);
  });
});

describe('re-timing when the online times step back', () => {
  const dir = tempDir('retime-step-back');

  it('re-times every chunk, also one whose online t0 fell below its predecessor\'s after a re-fit', { timeout: 60_000 }, async () => {
    const db = join(dir.path, 'library.db');
    const wall0 = performance.now();
    const origin = Date.now() / 1000;
    const now = () => origin + ((performance.now() - wall0) / 1000) * 10;
    const engine = await createEngine({ dbPath: db, simulator: { seed: 5 }, now });
    await engine.connect('sim');
    const id = await engine.startRecording({ name: 'step back', participant: '' });
    await new Promise((r) => setTimeout(r, 800));
    await engine.stopRecording();
    expect((await finished(engine, id)).state).toBe('done');
    await engine.close();

    const library = new Library(db);
    try {
      const stream = (library.db.prepare('SELECT s.id FROM streams s WHERE s.session_id = ? AND s.device_id IS NOT NULL AND s.rate > 0 ORDER BY s.id LIMIT 1').get(id) as { id: number }).id;
      const last = library.db.prepare('SELECT sample_index AS k, t0 FROM chunks WHERE stream_id = ? AND dev0 IS NOT NULL ORDER BY sample_index DESC LIMIT 2').all(stream) as { k: number; t0: number }[];
      expect(last).toHaveLength(2);
      // Undo the re-timing, and put the last chunk 1 ms before the one ahead of it, as a re-fit can.
      library.db.prepare('UPDATE chunks SET t0 = COALESCE(t0_live, t0), dt = COALESCE(dt_live, dt), t0_live = NULL, dt_live = NULL WHERE stream_id = ?').run(stream);
      library.db.prepare('UPDATE chunks SET t0 = ? WHERE stream_id = ? AND sample_index = ?').run(last[1].t0 - 0.001, stream, last[0].k);
      retimeSession(library.db, id);
      const untouched = library.db.prepare('SELECT COUNT(*) AS n FROM chunks WHERE stream_id = ? AND dev0 IS NOT NULL AND t0_live IS NULL').get(stream) as { n: number };
      expect(untouched.n).toBe(0);
    } finally {
      library.close();
    }
  });
});

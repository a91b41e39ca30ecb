import type Database from 'better-sqlite3';
import { retimeSession } from './retime';

/**
 * A recording process stamps `last_flush_at` at least this often (s), even with nothing to write;
 * a session not stamped for STALE_AFTER_S is not being recorded any more, whoever its owner pid is now.
 */
export const HEARTBEAT_S = 5;
export const STALE_AFTER_S = 60;

/** Whether a process with this id exists (signal 0 only checks). EPERM: it exists, owned by another user. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Closes the sessions a crash left open: ended at their last committed sample (or event), status
 * 'recovered', re-timed as a stopped session is (their pyramids are rebuilt at the first read). A session whose owner process is alive and flushed recently is another process'
 * live recording (the CLI recording while the app is open) and is left alone. Returns the ids closed.
 */
export function recoverInterrupted(db: Database.Database, alive: (pid: number) => boolean = processAlive, nowS = Date.now() / 1000): number[] {
  const open = db.prepare(`SELECT id, owner_pid AS pid, last_flush_at AS flushed FROM sessions WHERE status = 'recording'`).all() as {
    id: number;
    pid: number | null;
    flushed: number | null;
  }[];
  const orphans = open.filter((s) => !(s.pid !== null && s.flushed !== null && nowS - s.flushed < STALE_AFTER_S && alive(s.pid)));
  const close = db.prepare(
    `UPDATE sessions SET status = 'recovered', owner_pid = NULL, ended_at = MAX(started_at,
       COALESCE((SELECT MAX(c.t0 + (c.n - 1) * c.dt) FROM chunks c JOIN streams s ON s.id = c.stream_id WHERE s.session_id = sessions.id), started_at),
       COALESCE((SELECT MAX(e.t + e.duration) FROM events e WHERE e.session_id = sessions.id), started_at))
     WHERE id = ?`,
  );
  db.transaction(() => {
    for (const s of orphans) {
      // Re-timed first: the end is the last sample's time after the clock fit moves it.
      retimeSession(db, s.id);
      close.run(s.id);
    }
  })();
  return orphans.map((s) => s.id);
}

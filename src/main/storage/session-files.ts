/**
 * A session as its own SQLite file: export writes a library file holding just that session (the
 * same schema, so `--db FILE` opens it), import copies every session of such a file into the
 * library under new ids, never overwriting anything.
 *
 * Rows are copied table by table along the foreign keys from `sessions` (found from the schema,
 * so a table a later migration adds under sessions or streams travels too), with ids renumbered
 * and references mapped. Writes are committed in batches of a few MB, so the recorder's flushes
 * to the same library interleave with an import instead of waiting for it.
 */
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { Library } from './library';
import { MIGRATIONS } from './migrations';

export interface CopyProgress {
  /** What is being copied: "<session name>: <table>". */
  stage: string;
  /** Samples per channel copied so far, and in all, over the sessions copied. */
  samplesDone: number;
  samplesTotal: number;
  /** Bytes of rows written. */
  bytesWritten: number;
}

type Progress = (p: CopyProgress) => void;

/** Bytes written per transaction: big enough to be fast, small enough that a recorder flush waits only milliseconds. */
const BATCH_BYTES = 4 * 1024 * 1024;
const PARTIAL_SUFFIX = '.partial';

/**
 * Writes session `sessionId` of `library` to `file` as a standalone library file. Written as
 * `file.partial` and renamed when complete; on any failure (or a cancel thrown by `onProgress`)
 * nothing is left. An existing `file` is replaced only when `replace` is set.
 */
export function exportSessionFile(library: Library, sessionId: number, file: string, onProgress?: Progress, replace = false): string {
  const session = library.session(sessionId);
  if (!session) throw new Error(`no session ${sessionId} in ${library.path}`);
  if (session.status === 'recording') throw new Error(`session ${sessionId} is still being recorded: stop it before exporting it`);
  if (!replace && existsSync(file)) throw new Error(`${file} already exists: choose another file or delete it first`);
  const partial = file + PARTIAL_SUFFIX;
  removeDatabase(partial);
  let out: Library | null = null;
  try {
    out = new Library(partial);
    readSnapshot(library.db, () => copySessions(library.db, out!.db, [sessionId], false, onProgress));
    // One file on its own: no -wal beside it once closed.
    out.db.pragma('journal_mode = DELETE');
    out.close();
    out = null;
    renameSync(partial, file);
    return file;
  } catch (error) {
    if (out?.db.open) out.close();
    removeDatabase(partial);
    throw error;
  }
}

/**
 * Copies every session of the library file `file` into `library` under new ids; returns them.
 * All or nothing: on any failure (or a cancel thrown by `onProgress`) the sessions added so far
 * are deleted again. A file from a newer Vitalscope, a damaged file, or one that is no library,
 * is refused with a message saying so.
 */
export function importSessionFile(library: Library, file: string, onProgress?: Progress, nativeBinding?: string): number[] {
  if (resolve(file) === resolve(library.path)) throw new Error(`${file} is this library itself: pick a file exported from another library`);
  const source = openSessionFile(file, nativeBinding);
  const added: number[] = [];
  try {
    const ids = source.prepare('SELECT id FROM sessions ORDER BY id').pluck().all() as number[];
    if (ids.length === 0) throw new Error(`${file} holds no sessions`);
    readSnapshot(source, () => copySessions(source, library.db, ids, true, onProgress, added));
    return added;
  } catch (error) {
    if (library.db.inTransaction) library.db.exec('ROLLBACK');
    // The foreign keys cascade: each delete takes everything copied for that session.
    const remove = library.db.prepare('DELETE FROM sessions WHERE id = ?');
    library.db.transaction(() => added.forEach((id) => remove.run(id)))();
    throw explainCopyFailure(file, error);
  } finally {
    source.close();
  }
}

/** Opens a file to import, read-only, refusing what cannot be imported with a clear message. */
function openSessionFile(file: string, nativeBinding?: string): Database.Database {
  if (!existsSync(file)) throw new Error(`there is no file ${file}`);
  if (statSync(file).isDirectory()) throw new Error(`${file} is a folder, not a session file`);
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, nativeBinding });
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) {
      throw new Error(`${file} was written by a newer Vitalscope (schema ${version}, this version knows ${MIGRATIONS.length}): update Vitalscope to import it`);
    }
    if (!db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'sessions'`).get()) {
      throw new Error(`${file} is an SQLite database but not a Vitalscope library (it has no sessions table)`);
    }
    return db;
  } catch (error) {
    db?.close();
    throw explainCopyFailure(file, error);
  }
}

/** SQLite's codes in words, naming the file; any other error (one written for the user, a job's cancel) passes as it is. */
function explainCopyFailure(file: string, error: unknown): unknown {
  const message = (error as Error).message;
  const code = (error as { code?: string }).code ?? '';
  if (code === 'SQLITE_NOTADB') return new Error(`${file} is not an SQLite database (${message})`);
  if (code.startsWith('SQLITE_CORRUPT')) return new Error(`${file} is damaged (${message}): nothing was imported`);
  return error;
}

/** Runs `body` in one read transaction on `db`: every table is read from the same snapshot, whatever is written meanwhile. */
function readSnapshot(db: Database.Database, body: () => void): void {
  db.exec('BEGIN');
  try {
    body();
  } finally {
    db.exec('COMMIT');
  }
}

function removeDatabase(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(path + suffix, { force: true });
}

interface ForeignKey {
  column: string;
  parent: string;
}

/** How one table is copied: its columns (both files have them), its renumbered key, and its references. */
interface TableCopy {
  name: string;
  /** The INTEGER PRIMARY KEY, renumbered on insert; null for a table without one (its rows are copied as they are). */
  key: string | null;
  columns: string[];
  /** The reference its rows are found by (null for `sessions`, the root). */
  via: ForeignKey | null;
  references: ForeignKey[];
}

/** Every table under `sessions` in `dest`'s schema, parents before children, restricted to what `source` has. */
function copyPlan(source: Database.Database, dest: Database.Database): TableCopy[] {
  const tables = dest.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).pluck().all() as string[];
  const keys = new Map(
    tables.map((t) => [t, (dest.pragma(`foreign_key_list(${quote(t)})`) as { table: string; from: string }[]).map((k) => ({ column: k.from, parent: k.table }))]),
  );
  const under = new Set(['sessions']);
  for (let grew = true; grew; ) {
    grew = false;
    for (const t of tables) {
      if (!under.has(t) && keys.get(t)!.some((k) => under.has(k.parent))) grew = under.add(t).size > 0;
    }
  }
  const ordered: string[] = [];
  while (ordered.length < under.size) {
    const next = [...under].find((t) => !ordered.includes(t) && keys.get(t)!.every((k) => k.parent === t || !under.has(k.parent) || ordered.includes(k.parent)));
    if (!next) throw new Error(`the library's tables ${[...under].filter((t) => !ordered.includes(t)).join(', ')} reference each other in a cycle`);
    ordered.push(next);
  }
  const plans: TableCopy[] = [];
  for (const name of ordered) {
    const sourceColumns = new Set((source.pragma(`table_info(${quote(name)})`) as { name: string }[]).map((c) => c.name));
    if (sourceColumns.size === 0) continue; // an older file without this table
    const info = dest.pragma(`table_info(${quote(name)})`) as { name: string; type: string; notnull: number; pk: number }[];
    const pks = info.filter((c) => c.pk > 0);
    const key = pks.length === 1 && pks[0].type.toUpperCase() === 'INTEGER' ? pks[0].name : null;
    const columns = info.filter((c) => c.name !== key && sourceColumns.has(c.name)).map((c) => c.name);
    const references = keys.get(name)!.filter((k) => under.has(k.parent) && columns.includes(k.column));
    const notNull = new Set(info.filter((c) => c.notnull).map((c) => c.name));
    const via =
      name === 'sessions'
        ? null
        : (references.find((k) => k.parent === 'sessions' && notNull.has(k.column)) ?? references.find((k) => notNull.has(k.column)) ?? references[0] ?? null);
    if (name !== 'sessions' && !via) continue;
    plans.push({ name, key, columns, via, references });
  }
  return plans;
}

/**
 * Copies sessions `ids` of `source` into `dest`, session by session, each along the whole plan.
 * `importing`: each new session is marked as recorded by this process until its last row is in, so
 * a crash mid-import leaves it closed as 'recovered' (see crash-recovery.ts), never as complete.
 * `added` receives each new session id as soon as its row exists.
 */
function copySessions(source: Database.Database, dest: Database.Database, ids: number[], importing: boolean, onProgress?: Progress, added: number[] = []): void {
  const plans = copyPlan(source, dest);
  const progress: CopyProgress = {
    stage: '',
    samplesDone: 0,
    samplesTotal: source.prepare(`SELECT COALESCE(SUM(samples), 0) FROM streams WHERE session_id IN (${ids.map(() => '?').join(', ')})`).pluck().get(...ids) as number,
    bytesWritten: 0,
  };
  const inserts = new Map(plans.map((p) => [p.name, dest.prepare(`INSERT INTO ${quote(p.name)} (${p.columns.map(quote).join(', ')}) VALUES (${p.columns.map(() => '?').join(', ')})`)]));
  const selects = new Map(
    plans.map((p) => [
      p.name,
      source.prepare(`SELECT ${[p.key, ...p.columns].filter((c) => c !== null).map(quote).join(', ')} FROM ${quote(p.name)} WHERE ${quote(p.via?.column ?? 'id')} = ?`).raw(),
    ]),
  );
  // The heartbeat of the session being imported, stamped with every commit (see crash-recovery.ts).
  const stamp = dest.prepare(`UPDATE sessions SET last_flush_at = ? WHERE id = ? AND status = 'recording'`);
  const batch = new Batch(dest, () => {
    if (importing && added.length > 0) stamp.run(Date.now() / 1000, added.at(-1));
  });
  for (const oldId of ids) {
    const newIds = new Map<string, Map<unknown, unknown>>();
    let name = `session ${oldId}`;
    batch.begin();
    for (const plan of plans) {
      const renumbered = new Map<unknown, unknown>();
      newIds.set(plan.name, renumbered);
      const parents = plan.via ? [...(newIds.get(plan.via.parent)?.keys() ?? [])] : [oldId];
      const positions = plan.references.map((k) => ({ at: plan.columns.indexOf(k.column), map: newIds.get(k.parent), k }));
      const offset = plan.key ? 1 : 0;
      const samples = plan.name === 'chunks' ? plan.columns.indexOf('n') : -1;
      for (const parent of parents) {
        for (const row of selects.get(plan.name)!.iterate(parent) as Iterable<unknown[]>) {
          const values = row.slice(offset);
          for (const { at, map, k } of positions) {
            if (values[at] === null) continue;
            if (!map?.has(values[at])) throw new Error(`${plan.name}.${k.column} = ${String(values[at])} refers to no ${k.parent} row of session ${oldId}`);
            values[at] = map.get(values[at]);
          }
          if (importing && plan.name === 'sessions') markImporting(plan.columns, values);
          const newId = inserts.get(plan.name)!.run(values).lastInsertRowid;
          if (plan.key) renumbered.set(row[0], Number(newId));
          if (plan.name === 'sessions') {
            added.push(Number(newId));
            name = String(values[plan.columns.indexOf('name')]);
          }
          progress.stage = `${name}: ${plan.name}`;
          if (samples >= 0) progress.samplesDone += values[samples] as number;
          const bytes = values.reduce<number>((sum, v) => sum + (v instanceof Uint8Array ? v.byteLength : 8), 0);
          progress.bytesWritten += bytes;
          batch.wrote(bytes);
          onProgress?.(progress);
        }
      }
    }
    if (importing) finishImport(source, dest, oldId, added.at(-1)!);
    batch.commit();
  }
}

/** An imported session is 'recording' by this process until its copy is complete. */
function markImporting(columns: string[], values: unknown[]): void {
  const set = (column: string, value: unknown): void => {
    const at = columns.indexOf(column);
    if (at >= 0) values[at] = value;
  };
  set('status', 'recording');
  set('owner_pid', process.pid);
  set('last_flush_at', Date.now() / 1000);
}

/** Gives the copied session its status from the file back; one the file had open (being recorded) comes in as 'recovered'. */
function finishImport(source: Database.Database, dest: Database.Database, oldId: number, newId: number): void {
  const columns = new Set((source.pragma('table_info(sessions)') as { name: string }[]).map((c) => c.name));
  const original = columns.has('status') ? (source.prepare('SELECT status FROM sessions WHERE id = ?').pluck().get(oldId) as string) : 'complete';
  dest.prepare('UPDATE sessions SET status = ?, owner_pid = NULL, last_flush_at = NULL WHERE id = ?').run(original === 'recording' ? 'recovered' : original, newId);
}

/** Commits every BATCH_BYTES written, calling `onCommit` inside each transaction before it commits. */
class Batch {
  private bytes = 0;

  constructor(
    private readonly db: Database.Database,
    private readonly onCommit: () => void,
  ) {}

  begin(): void {
    this.db.exec('BEGIN IMMEDIATE');
    this.bytes = 0;
  }

  wrote(bytes: number): void {
    this.bytes += bytes;
    if (this.bytes < BATCH_BYTES) return;
    this.commit();
    this.begin();
  }

  commit(): void {
    this.onCommit();
    this.db.exec('COMMIT');
  }
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

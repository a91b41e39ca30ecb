import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/** What to do when a library cannot be used, the same for every face. */
const ELSEWHERE = 'or pass --db with another file (a path that does not exist yet starts a new, empty library)';

/** Thrown by a migration check: the file's schema is newer than this build knows. */
export class NewerSchemaError extends Error {
  constructor(
    readonly version: number,
    readonly known: number,
  ) {
    super(`schema ${version}`);
  }
}

/**
 * Creates the library's folder, and refuses, before SQLite sees it, a file SQLite would silently treat as a new empty database
 * (a zero-length file: truncated or a failed copy) and a file or folder this process cannot write.
 * A missing file is fine: it becomes a new library.
 */
export function prepareLibraryFile(path: string): void {
  const folder = dirname(path);
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw new Error(`cannot create the folder ${folder} for the library ${path} (${(error as Error).message}): ${ELSEWHERE}`);
  }
  if (!existsSync(path)) {
    if (existsSync(folder) && !writable(folder)) {
      throw new Error(`cannot create the library ${path}: the folder ${folder} is read-only; make it writable, ${ELSEWHERE}`);
    }
    return;
  }
  const stat = statSync(path);
  if (stat.isDirectory()) throw new Error(`the library ${path} is a folder, not a file: ${ELSEWHERE}`);
  if (stat.size === 0) {
    throw new Error(`the library ${path} is empty (0 bytes), not a Vitalscope library: restore it from a backup, delete it to start a new library there, ${ELSEWHERE}`);
  }
  if (!writable(path)) throw new Error(`the library ${path} is read-only: make it writable (chmod u+w), ${ELSEWHERE}`);
  if (!writable(dirname(path))) {
    throw new Error(`the folder of the library ${path} is read-only (SQLite needs to write its -wal and -shm files beside it): make it writable, ${ELSEWHERE}`);
  }
}

/** One line saying why the library at `path` could not be opened and what to do about it. */
export function explainOpenFailure(path: string, error: unknown, nativeBinding?: string): string {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof NewerSchemaError) {
    return `the library ${path} was written by a newer Vitalscope (schema ${error.version}, this version knows ${error.known}): update Vitalscope, ${ELSEWHERE}`;
  }
  const code = (error as { code?: string }).code ?? '';
  if (code === 'SQLITE_NOTADB') return `the library ${path} is not an SQLite database (${message}): restore it from a backup, ${ELSEWHERE}`;
  if (code === 'SQLITE_READONLY' || code.startsWith('SQLITE_CANTOPEN')) {
    return `cannot write the library ${path} (${message}): check it and its folder are writable, ${ELSEWHERE}`;
  }
  const damaged = code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_IOERR') ? 'is damaged' : 'could not be opened';
  return `the library ${path} ${damaged} (${message}); quick_check: ${quickCheck(path, nativeBinding)}. Restore it from a backup, ${ELSEWHERE}`;
}

/** The first lines of `PRAGMA quick_check` on a read-only connection, joined on one line. */
function quickCheck(path: string, nativeBinding: string | undefined): string {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true, nativeBinding });
    const rows = db.pragma('quick_check(3)') as { quick_check: string }[];
    return rows.map((r) => r.quick_check).join('; ');
  } catch (error) {
    return `could not run (${(error as Error).message})`;
  } finally {
    db?.close();
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Studies: named groups of sessions. A session names its study (sessions.study, '' for none), so
 * a session file carries it; a rename updates the sessions that name the old name.
 */
import { z } from 'zod';
import { MAX_STUDY_NAME_CHARS, type StudyEntry } from '../../shared/study';
import type { Library } from './library';
import { checkedRecord, nameField } from './participants';

const studyName = nameField(MAX_STUDY_NAME_CHARS);

export const studySchema = z.strictObject({
  id: z.number().int().positive().optional(),
  name: studyName,
  description: z.string().trim().max(2000, 'has at most 2000 characters').optional(),
});

/** Every study with its session count, then names sessions carry without a record; by name. */
export function listStudies(library: Library): StudyEntry[] {
  const records = library.db
    .prepare('SELECT st.id, st.name, st.description, (SELECT COUNT(*) FROM sessions s WHERE s.study = st.name COLLATE NOCASE) AS sessions FROM studies st')
    .all() as StudyEntry[];
  const unrecorded = library.db
    .prepare(
      `SELECT NULL AS id, MIN(study) AS name, '' AS description, COUNT(*) AS sessions FROM sessions
       WHERE study != '' AND NOT EXISTS (SELECT 1 FROM studies st WHERE st.name = sessions.study) GROUP BY study COLLATE NOCASE`,
    )
    .all() as StudyEntry[];
  return [...records, ...unrecorded].sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
}

/** Adds a study, or with an id renames and describes it (its sessions follow the new name); returns it as listed. */
export function saveStudy(library: Library, input: unknown): StudyEntry {
  const s = checkedRecord(studySchema, input, 'study');
  const clash = library.db.prepare('SELECT id FROM studies WHERE name = ?').pluck().get(s.name) as number | undefined;
  if (clash !== undefined && clash !== s.id) throw new Error(`study name: "${s.name}" is taken by another study`);
  const id = library.db.transaction(() => {
    if (s.id === undefined) {
      return Number(library.db.prepare('INSERT INTO studies (name, description, created_at) VALUES (?, ?, ?)').run(s.name, s.description ?? '', Date.now()).lastInsertRowid);
    }
    const old = library.db.prepare('SELECT name FROM studies WHERE id = ?').pluck().get(s.id) as string | undefined;
    if (old === undefined) throw new Error(`no study ${s.id} in ${library.path}`);
    library.db.prepare('UPDATE studies SET name = ?, description = COALESCE(?, description) WHERE id = ?').run(s.name, s.description ?? null, s.id);
    library.db.prepare('UPDATE sessions SET study = ? WHERE study = ? COLLATE NOCASE').run(s.name, old);
    return s.id;
  })();
  return listStudies(library).find((e) => e.id === id)!;
}

/** Deletes a study. Refused, with the count, while sessions belong to it, unless `unlink`: then they leave it (their data stays). */
export function deleteStudy(library: Library, id: number, unlink = false): void {
  library.db.transaction(() => {
    const name = library.db.prepare('SELECT name FROM studies WHERE id = ?').pluck().get(id) as string | undefined;
    if (name === undefined) throw new Error(`no study ${id} in ${library.path}`);
    const used = library.db.prepare('SELECT COUNT(*) FROM sessions WHERE study = ? COLLATE NOCASE').pluck().get(name) as number;
    if (used > 0 && !unlink) throw new Error(`study "${name}" has ${used} session${used === 1 ? '' : 's'}: unlink them (they leave the study) to delete it`);
    library.db.prepare(`UPDATE sessions SET study = '' WHERE study = ? COLLATE NOCASE`).run(name);
    library.db.prepare('DELETE FROM studies WHERE id = ?').run(id);
  })();
}

/** The saved study named `name` (ignoring case), as spelt in its record; '' for none. Throws when there is no such study. */
export function studyNamed(library: Library, name: string): string {
  if (name.trim() === '') return '';
  const found = library.db.prepare('SELECT name FROM studies WHERE name = ?').pluck().get(name.trim()) as string | undefined;
  if (found === undefined) throw new Error(`no study "${name.trim()}" in ${library.path}: add it first (Study view, or vitalscope studies add NAME)`);
  return found;
}

/** Puts session `sessionId` in study `name` (a saved one; '' takes it out of its study). */
export function setSessionStudy(library: Library, sessionId: number, name: string): void {
  const changed = library.db.prepare('UPDATE sessions SET study = ? WHERE id = ?').run(studyNamed(library, name), sessionId).changes;
  if (!changed) throw new Error(`no session ${sessionId} in ${library.path}`);
}

/**
 * Pseudonymous participant records. Sessions name their participant by ID (sessions.participant),
 * so a record links every session that names its ID, whenever either was made. Validated with
 * zod: an error names the field.
 */
import { z } from 'zod';
import { HANDS, MAX_NOTES_CHARS, MAX_PARTICIPANT_ID_CHARS, SEXES, SKIN_TONE_SCALES, type Participant, type ParticipantEntry } from '../../shared/study';
import type { Library } from './library';

/** A one-line name (a participant ID, a study name): trimmed, not blank, at most `max` characters. */
export function nameField(max: number) {
  return (
    z
      .string()
      .trim()
      .min(1, 'cannot be empty or spaces only')
      .max(max, `has at most ${max} characters`)
      // eslint-disable-next-line no-control-regex
      .refine((n) => !/[\u0000-\u001f\u007f]/.test(n), 'cannot hold control characters (tabs, line breaks)')
  );
}

const idField = nameField(MAX_PARTICIPANT_ID_CHARS);

/** A participant as saved: every field checked, text trimmed. */
export const participantSchema = z.strictObject({
  id: idField,
  ageBand: z
    .string()
    .trim()
    .regex(/^\d{1,3}(-\d{1,3}|\+)$/, 'is a range like 30-39 or an open band like 80+')
    .refine((band) => {
      const [lo, hi] = band.split('-').map(Number);
      return hi === undefined || lo <= hi;
    }, 'starts at or below where it ends')
    .optional(),
  sex: z.enum(SEXES).optional(),
  skinTone: z
    .strictObject({ scale: z.enum(['fitzpatrick', 'monk']), value: z.string() })
    .refine((t) => (SKIN_TONE_SCALES[t.scale] as readonly string[]).includes(t.value), { message: 'is Fitzpatrick I-VI or Monk 1-10', path: ['value'] })
    .optional(),
  wristCm: z.number().min(5, 'is at least 5 cm').max(40, 'is at most 40 cm').optional(),
  dominantHand: z.enum(HANDS).optional(),
  notes: z.string().trim().max(MAX_NOTES_CHARS, `have at most ${MAX_NOTES_CHARS} characters`).optional(),
});

/** `value` checked by `schema`, or an Error naming `what` and the first wrong field ("participant wristCm: is at most 40 cm"). */
export function checkedRecord<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue.path.map(String).join('.');
  throw new Error(`${what}${field ? ` ${field}` : ''}: ${issue.message}`);
}

/** A participant ID as sessions store it: trimmed; '' for none. Throws naming what is wrong. */
export function participantId(id: string): string {
  return id.trim() === '' ? '' : checkedRecord(idField, id, 'participant ID');
}

interface ParticipantRow {
  id: string;
  age_band: string | null;
  sex: Participant['sex'] | null;
  skin_scale: 'fitzpatrick' | 'monk' | null;
  skin_tone: string | null;
  wrist_cm: number | null;
  dominant_hand: Participant['dominantHand'] | null;
  notes: string;
  sessions: number;
}

function toEntry(r: ParticipantRow): ParticipantEntry {
  return {
    id: r.id,
    ...(r.age_band !== null ? { ageBand: r.age_band } : {}),
    ...(r.sex !== null ? { sex: r.sex } : {}),
    ...(r.skin_scale !== null && r.skin_tone !== null ? { skinTone: { scale: r.skin_scale, value: r.skin_tone } } : {}),
    ...(r.wrist_cm !== null ? { wristCm: r.wrist_cm } : {}),
    ...(r.dominant_hand !== null ? { dominantHand: r.dominant_hand } : {}),
    ...(r.notes ? { notes: r.notes } : {}),
    recorded: true,
    sessions: r.sessions,
  };
}

/** Every participant record with its session count, then the IDs sessions name without a record; by ID. */
export function listParticipants(library: Library): ParticipantEntry[] {
  const records = (
    library.db
      .prepare(`SELECT p.*, (SELECT COUNT(*) FROM sessions s WHERE s.participant = p.id COLLATE NOCASE) AS sessions FROM participants p`)
      .all() as ParticipantRow[]
  ).map(toEntry);
  const unrecorded = library.db
    .prepare(
      `SELECT MIN(participant) AS id, COUNT(*) AS sessions FROM sessions
       WHERE participant != '' AND NOT EXISTS (SELECT 1 FROM participants p WHERE p.id = sessions.participant) GROUP BY participant COLLATE NOCASE`,
    )
    .all() as { id: string; sessions: number }[];
  return [...records, ...unrecorded.map((u) => ({ ...u, recorded: false }))].sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }));
}

/** Adds a participant, or replaces the record with that ID (ignoring case) whole; returns it as listed. */
export function saveParticipant(library: Library, input: unknown): ParticipantEntry {
  const p = checkedRecord(participantSchema, input, 'participant');
  library.db
    .prepare(
      `INSERT INTO participants (id, age_band, sex, skin_scale, skin_tone, wrist_cm, dominant_hand, notes, created_at)
       VALUES (@id, @ageBand, @sex, @scale, @tone, @wristCm, @hand, @notes, @now)
       ON CONFLICT (id) DO UPDATE SET age_band = excluded.age_band, sex = excluded.sex, skin_scale = excluded.skin_scale, skin_tone = excluded.skin_tone,
         wrist_cm = excluded.wrist_cm, dominant_hand = excluded.dominant_hand, notes = excluded.notes`,
    )
    .run({
      id: p.id,
      ageBand: p.ageBand || null,
      sex: p.sex ?? null,
      scale: p.skinTone?.scale ?? null,
      tone: p.skinTone?.value ?? null,
      wristCm: p.wristCm ?? null,
      hand: p.dominantHand ?? null,
      notes: p.notes ?? '',
      now: Date.now(),
    });
  return listParticipants(library).find((e) => e.recorded && e.id.toLowerCase() === p.id.toLowerCase())!;
}

/**
 * Deletes a participant record. Refused, with the count, while sessions name it, unless `unlink`:
 * then those sessions' participant is cleared in the same transaction (their data stays).
 */
export function deleteParticipant(library: Library, id: string, unlink = false): void {
  const key = participantId(id);
  library.db.transaction(() => {
    const used = library.db.prepare('SELECT COUNT(*) FROM sessions WHERE participant = ? COLLATE NOCASE').pluck().get(key) as number;
    const recorded = library.db.prepare('SELECT 1 FROM participants WHERE id = ?').get(key) !== undefined;
    if (!recorded && used === 0) throw new Error(`no participant "${key}" in ${library.path}`);
    if (used > 0 && !unlink) throw new Error(`participant "${key}" is named by ${used} session${used === 1 ? '' : 's'}: unlink them (their participant is cleared) to delete it`);
    if (used > 0) library.db.prepare(`UPDATE sessions SET participant = '' WHERE participant = ? COLLATE NOCASE`).run(key);
    library.db.prepare('DELETE FROM participants WHERE id = ?').run(key);
  })();
}

/** Names session `sessionId`'s participant ('' for none); a record need not exist yet. */
export function setSessionParticipant(library: Library, sessionId: number, id: string): void {
  const changed = library.db.prepare('UPDATE sessions SET participant = ? WHERE id = ?').run(participantId(id), sessionId).changes;
  if (!changed) throw new Error(`no session ${sessionId} in ${library.path}`);
}

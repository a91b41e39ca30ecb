/**
 * `vitalscope participants [--json]`, `participants add ID [fields]`, `participants remove ID [--unlink]`,
 * `vitalscope studies [--json]`, `studies add NAME [--description T]`, `studies remove NAME [--unlink]`,
 * `vitalscope assign <session-id> [--participant ID] [--study NAME]`.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { formatSkinTone, parseSkinTone, type Participant, type ParticipantEntry } from '../../shared/study';
import { Library, defaultDbPath, deleteParticipant, deleteStudy, listParticipants, listStudies, participantId, saveParticipant, saveStudy, setSessionParticipant, setSessionStudy, studyNamed } from '../storage';

function parse<T extends ParseArgsConfig['options']>(args: string[], options: T) {
  try {
    return parseArgs({ args, options: { db: { type: 'string' }, json: { type: 'boolean' }, ...options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new Error((error as Error).message);
  }
}

function withLibrary<T>(db: string | undefined, body: (library: Library) => T): T {
  const library = new Library(db ?? defaultDbPath());
  try {
    return body(library);
  } finally {
    library.close();
  }
}

/** The one positional an action takes (`add ID`), or an Error saying what is missing or extra. */
function onlyArgument(positionals: string[], usage: string): string {
  if (positionals.length !== 2) throw new Error(positionals.length < 2 ? `missing argument: ${usage}` : `unexpected argument "${positionals[2]}": ${usage}`);
  return positionals[1];
}

const participantFlags = {
  'age-band': { type: 'string' },
  sex: { type: 'string' },
  'skin-tone': { type: 'string' },
  'wrist-cm': { type: 'string' },
  hand: { type: 'string' },
  notes: { type: 'string' },
  unlink: { type: 'boolean' },
} as const;

export async function participantsCommand(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, participantFlags);
  const [action] = positionals;
  withLibrary(values.db, (library) => {
    if (action === undefined) {
      const list = listParticipants(library);
      if (values.json) return void process.stdout.write(JSON.stringify(list, null, 2) + '\n');
      if (list.length === 0) process.stdout.write(`no participants in ${library.path}\n`);
      for (const p of list) process.stdout.write(participantLine(p) + '\n');
      return;
    }
    if (action === 'add') {
      const id = participantId(onlyArgument(positionals, 'participants add ID [--age-band B] [--sex S] [--skin-tone SCALE:VALUE] [--wrist-cm N] [--hand H] [--notes TEXT]'));
      if (!id) throw new Error('participant id: cannot be empty or spaces only');
      // Flags given replace those fields of an existing record; the others stay.
      const existing = listParticipants(library).find((p) => p.recorded && p.id.toLowerCase() === id.toLowerCase());
      const { recorded: _r, sessions: _s, ...kept } = existing ?? { id, recorded: false, sessions: 0 };
      const wrist = values['wrist-cm'];
      if (wrist !== undefined && (wrist.trim() === '' || !Number.isFinite(Number(wrist)))) throw new Error(`--wrist-cm must be a number of cm, got "${wrist}"`);
      const given: Partial<Participant> = {
        ...(values['age-band'] !== undefined ? { ageBand: values['age-band'] } : {}),
        ...(values.sex !== undefined ? { sex: values.sex as Participant['sex'] } : {}),
        ...(values['skin-tone'] !== undefined ? { skinTone: parseSkinTone(values['skin-tone']) } : {}),
        ...(wrist !== undefined ? { wristCm: Number(wrist) } : {}),
        ...(values.hand !== undefined ? { dominantHand: values.hand as Participant['dominantHand'] } : {}),
        ...(values.notes !== undefined ? { notes: values.notes } : {}),
      };
      const saved = saveParticipant(library, { ...kept, ...given, id: existing?.id ?? id });
      process.stderr.write(`${existing ? 'updated' : 'added'} participant ${saved.id}\n`);
      process.stdout.write(values.json ? JSON.stringify(saved) + '\n' : participantLine(saved) + '\n');
      return;
    }
    if (action === 'remove') {
      const id = onlyArgument(positionals, 'participants remove ID [--unlink]');
      deleteParticipant(library, id, values.unlink === true);
      process.stderr.write(`removed participant ${id.trim()}\n`);
      return;
    }
    throw new Error(`unknown participants action "${action}": participants [--json], participants add ID [...], participants remove ID [--unlink]`);
  });
}

/** ID, age band, sex, skin tone, wrist, hand, sessions, notes: tab-separated, `-` where unset. */
function participantLine(p: ParticipantEntry): string {
  const fields = [
    p.id,
    p.ageBand ?? '-',
    p.sex ?? '-',
    p.skinTone ? formatSkinTone(p.skinTone) : '-',
    p.wristCm !== undefined ? `${p.wristCm} cm` : '-',
    p.dominantHand ?? '-',
    `${p.sessions} session${p.sessions === 1 ? '' : 's'}`,
    p.recorded ? (p.notes ?? '-').replace(/\s+/g, ' ') : '(no record: named by sessions only)',
  ];
  return fields.join('\t');
}

export async function studiesCommand(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, { description: { type: 'string' }, unlink: { type: 'boolean' } });
  const [action] = positionals;
  withLibrary(values.db, (library) => {
    if (action === undefined) {
      const list = listStudies(library);
      if (values.json) return void process.stdout.write(JSON.stringify(list, null, 2) + '\n');
      if (list.length === 0) process.stdout.write(`no studies in ${library.path}\n`);
      for (const s of list) process.stdout.write(`${s.name}\t${s.sessions} session${s.sessions === 1 ? '' : 's'}\t${s.id === null ? '(no record: named by sessions only)' : s.description.replace(/\s+/g, ' ') || '-'}\n`);
      return;
    }
    if (action === 'add') {
      const name = onlyArgument(positionals, 'studies add NAME [--description TEXT]');
      const saved = saveStudy(library, { name, ...(values.description !== undefined ? { description: values.description } : {}) });
      process.stdout.write(values.json ? JSON.stringify(saved) + '\n' : `${saved.name}\n`);
      return;
    }
    if (action === 'remove') {
      const name = studyNamed(library, onlyArgument(positionals, 'studies remove NAME [--unlink]'));
      if (!name) throw new Error('study name: cannot be empty or spaces only');
      deleteStudy(library, listStudies(library).find((s) => s.name === name)!.id!, values.unlink === true);
      process.stderr.write(`removed study ${name}\n`);
      return;
    }
    throw new Error(`unknown studies action "${action}": studies [--json], studies add NAME [--description TEXT], studies remove NAME [--unlink]`);
  });
}

const ASSIGN_USAGE = 'assign <session-id> [--participant ID] [--study NAME] (an empty value clears it)';

/** Sets a recorded session's participant and/or study; prints `id, participant, study` (tab-separated, `-` for none). */
export async function assignCommand(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, { participant: { type: 'string' }, study: { type: 'string' } });
  if (positionals.length !== 1) throw new Error(positionals.length === 0 ? `missing session id: ${ASSIGN_USAGE}` : `unexpected argument "${positionals[1]}": ${ASSIGN_USAGE}`);
  const id = Number(positionals[0]);
  if (!Number.isInteger(id) || id <= 0) throw new Error(`session id must be a positive whole number, got "${positionals[0]}"`);
  if (values.participant === undefined && values.study === undefined) throw new Error(`nothing to assign: ${ASSIGN_USAGE}`);
  withLibrary(values.db, (library) => {
    if (!library.session(id)) throw new Error(`no session ${id} in ${library.path}`);
    // Both checked before either is written: a study that does not exist changes nothing.
    const study = values.study === undefined ? undefined : studyNamed(library, values.study);
    const participant = values.participant === undefined ? undefined : participantId(values.participant);
    library.db.transaction(() => {
      if (participant !== undefined) setSessionParticipant(library, id, participant);
      if (study !== undefined) setSessionStudy(library, id, study);
    })();
    const session = library.session(id)!;
    if (values.json) return void process.stdout.write(JSON.stringify({ id, participant: session.participant, study: session.study }) + '\n');
    process.stdout.write(`${id}\t${session.participant || '-'}\t${session.study || '-'}\n`);
  });
}

import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/main/engine';
import { parseCommand } from '../../src/main/command-args';
import {
  Library,
  deleteParticipant,
  deleteStudy,
  exportSessionFile,
  importSessionFile,
  listParticipants,
  listStudies,
  saveParticipant,
  saveStudy,
  setSessionParticipant,
  setSessionStudy,
  toSummary,
} from '../../src/main/storage';
import { MIGRATIONS } from '../../src/main/storage/migrations';
import { parseSkinTone } from '../../src/shared/study';
import { tempDir } from '../helpers/temp-dir';

const dir = tempDir('participants');
afterAll(() => dir.cleanup());
let files = 0;
const fresh = (name: string): string => join(dir.path, `${name}-${files++}.db`);

describe('participants and studies (real SQLite library)', () => {
  it('saves, lists, links by ID ignoring case, replaces whole, and persists across a reopen', () => {
    const path = fresh('save');
    const library = new Library(path);
    const a = library.createSession('walk', 'p7', 1000);
    library.createSession('run', 'P9', 1001);
    // A session names P7 before its record exists; the record links it.
    expect(listParticipants(library)).toEqual([
      { id: 'p7', recorded: false, sessions: 1 },
      { id: 'P9', recorded: false, sessions: 1 },
    ]);
    const saved = saveParticipant(library, { id: '  P7 ', ageBand: '30-39', sex: 'female', skinTone: parseSkinTone('fitzpatrick:iii'), wristCm: 16.5, dominantHand: 'left', notes: 'left wrist band' });
    expect(saved).toEqual({ id: 'P7', ageBand: '30-39', sex: 'female', skinTone: { scale: 'fitzpatrick', value: 'III' }, wristCm: 16.5, dominantHand: 'left', notes: 'left wrist band', recorded: true, sessions: 1 });
    // Saving again replaces the record whole: fields left out are cleared.
    expect(saveParticipant(library, { id: 'p7', skinTone: { scale: 'monk', value: '5' } })).toEqual({ id: 'P7', skinTone: { scale: 'monk', value: '5' }, recorded: true, sessions: 1 });
    setSessionParticipant(library, a, 'P9');
    library.close();
    const reopened = new Library(path);
    expect(listParticipants(reopened).map((p) => [p.id, p.recorded, p.sessions])).toEqual([
      ['P7', true, 0],
      ['P9', false, 2],
    ]);
    reopened.close();
  });

  it('refuses bad fields naming them, and keeps what was there', () => {
    const library = new Library(fresh('bad'));
    saveParticipant(library, { id: 'P1', wristCm: 15 });
    expect(() => saveParticipant(library, { id: '   ' })).toThrow('participant id: cannot be empty or spaces only');
    expect(() => saveParticipant(library, { id: 'x'.repeat(65) })).toThrow('participant id: has at most 64 characters');
    expect(() => saveParticipant(library, { id: 'P1', wristCm: 400 })).toThrow('participant wristCm: is at most 40 cm');
    expect(() => saveParticipant(library, { id: 'P1', ageBand: 'forty' })).toThrow('participant ageBand: is a range like 30-39');
    expect(() => saveParticipant(library, { id: 'P1', ageBand: '40-30' })).toThrow('participant ageBand: starts at or below');
    expect(() => saveParticipant(library, { id: 'P1', skinTone: { scale: 'monk', value: 'VI' } })).toThrow('participant skinTone.value: is Fitzpatrick I-VI or Monk 1-10');
    expect(() => saveParticipant(library, { id: 'P1', sex: 'f' })).toThrow('participant sex:');
    expect(() => saveParticipant(library, { id: 'P1', name: 'Ann Smith' })).toThrow('participant');
    expect(() => parseSkinTone('monk:11')).toThrow('monk takes 1 to 10');
    expect(() => parseSkinTone('fitz:II')).toThrow('the scale is fitzpatrick or monk');
    expect(listParticipants(library)).toEqual([{ id: 'P1', wristCm: 15, recorded: true, sessions: 0 }]);
    library.close();
  });

  it('refuses to delete a participant or study that sessions use, with the count, unless told to unlink', () => {
    const library = new Library(fresh('delete'));
    const a = library.createSession('a', 'P1', 1000);
    const b = library.createSession('b', 'P1', 1001);
    saveParticipant(library, { id: 'P1' });
    const study = saveStudy(library, { name: 'Wrist PPG 2024', description: 'pilot' });
    setSessionStudy(library, a, 'wrist ppg 2024');
    setSessionStudy(library, b, 'Wrist PPG 2024');
    expect(() => deleteParticipant(library, 'P1')).toThrow('participant "P1" is named by 2 sessions');
    expect(() => deleteStudy(library, study.id!)).toThrow('study "Wrist PPG 2024" has 2 sessions');
    expect(() => setSessionStudy(library, a, 'nope')).toThrow('no study "nope"');
    expect(() => saveStudy(library, { name: 'WRIST ppg 2024' })).toThrow('study name: "WRIST ppg 2024" is taken');
    expect(toSummary(library.session(a)!)).toMatchObject({ participant: 'P1', study: 'Wrist PPG 2024' });
    // A rename carries the sessions along.
    expect(saveStudy(library, { id: study.id!, name: 'Wrist PPG' })).toEqual({ id: study.id, name: 'Wrist PPG', description: 'pilot', sessions: 2 });
    expect(toSummary(library.session(b)!).study).toBe('Wrist PPG');
    deleteParticipant(library, 'p1', true);
    deleteStudy(library, study.id!, true);
    expect(toSummary(library.session(a)!)).toMatchObject({ participant: '', study: '' });
    expect(library.session(b)).not.toBeNull();
    expect(listParticipants(library)).toEqual([]);
    expect(listStudies(library)).toEqual([]);
    library.close();
  });

  it('migrates a library file from before participants: its sessions keep their participant and link to a record added later', () => {
    const path = fresh('old');
    const old = new Database(path);
    for (const m of MIGRATIONS.slice(0, 10)) old.exec(m);
    old.pragma('user_version = 10');
    old.prepare("INSERT INTO sessions (name, participant, started_at, ended_at) VALUES ('old walk', 'S-03', 1000, 1010)").run();
    old.close();
    const library = new Library(path);
    expect(library.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const [session] = library.sessions().map(toSummary);
    expect(session).toMatchObject({ name: 'old walk', participant: 'S-03', study: '' });
    expect(listParticipants(library)).toEqual([{ id: 'S-03', recorded: false, sessions: 1 }]);
    expect(saveParticipant(library, { id: 's-03', dominantHand: 'right' })).toMatchObject({ id: 's-03', recorded: true, sessions: 1 });
    library.close();
  });

  it('a session file carries its participant and study by name to another library', () => {
    const source = new Library(fresh('source'));
    const id = source.createSession('walk', 'P7', 1000);
    source.endSession(id, 1010, false, false);
    saveStudy(source, { name: 'Pilot' });
    setSessionStudy(source, id, 'Pilot');
    const file = exportSessionFile(source, id, join(dir.path, 'walk.db'));
    source.close();
    const dest = new Library(fresh('dest'));
    const [copy] = importSessionFile(dest, file);
    expect(toSummary(dest.session(copy)!)).toMatchObject({ participant: 'P7', study: 'Pilot' });
    // No record came along: the names are listed as named by sessions only.
    expect(listStudies(dest)).toEqual([{ id: null, name: 'Pilot', description: '', sessions: 1 }]);
    expect(listParticipants(dest)).toEqual([{ id: 'P7', recorded: false, sessions: 1 }]);
    dest.close();
  });

  it('the engine records with a participant and a study, refuses an unknown study before a session exists, and its commands pass the faces\' checks', async () => {
    const engine = await createEngine({ dbPath: fresh('engine'), finishSessionsInJobs: false, simulator: { seed: 3 } });
    try {
      await engine.saveStudy(parseCommand('saveStudy', [{ name: 'Bench' }]).args[0] as { name: string });
      await engine.connect('sim');
      await expect(engine.startRecording({ name: 'x', participant: 'P2', study: 'Nope' })).rejects.toThrow('no study "Nope"');
      expect(await engine.listSessions()).toEqual([]);
      const sessionId = await engine.startRecording(parseCommand('startRecording', [{ name: 'bench run', participant: ' P2 ', study: 'bench' }]).args[0] as { name: string; participant: string });
      const stopped = await engine.stopRecording();
      expect(stopped).toMatchObject({ id: sessionId, participant: 'P2', study: 'Bench' });
      expect(await engine.listStudies()).toEqual([expect.objectContaining({ name: 'Bench', sessions: 1 })]);
      await engine.saveParticipant({ id: 'P2', sex: 'male' });
      expect(await engine.setSessionParticipant(sessionId, 'P3')).toMatchObject({ participant: 'P3' });
      expect(await engine.setSessionStudy(sessionId, '')).toMatchObject({ study: '' });
      expect(() => parseCommand('deleteParticipant', [7])).toThrow('bad arguments for deleteParticipant');
      await expect(engine.saveParticipant({ id: 'P4', wristCm: 'wide' } as never)).rejects.toThrow('participant wristCm:');
    } finally {
      await engine.close();
    }
  });
});

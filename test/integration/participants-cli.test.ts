import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Library } from '../../src/main/storage';
import { cliOn } from '../helpers/cli';
import { tempDir } from '../helpers/temp-dir';

const dir = tempDir('participants-cli');
afterAll(() => dir.cleanup());
const cli = cliOn(join(dir.path, 'library.db'));

describe('vitalscope participants and studies (built CLI, real library file)', () => {
  it('adds, updates, lists (text and --json) and refuses bad fields naming them', async () => {
    const add = await cli('participants', 'add', 'P7', '--age-band', '30-39', '--sex', 'female', '--skin-tone', 'fitzpatrick:III', '--wrist-cm', '16.5', '--hand', 'left', '--notes', 'band on the left wrist');
    expect(add.code).toBe(0);
    expect(add.stdout).toBe('P7\t30-39\tfemale\tFitzpatrick III\t16.5 cm\tleft\t0 sessions\tband on the left wrist\n');
    // Add on an existing ID replaces the fields given and keeps the others.
    expect((await cli('participants', 'add', 'p7', '--skin-tone', 'monk:5')).stderr).toBe('updated participant P7\n');
    const bad = await cli('participants', 'add', 'P8', '--wrist-cm', '400');
    expect(bad).toMatchObject({ code: 1, stderr: 'vitalscope participants: participant wristCm: is at most 40 cm\n' });
    expect((await cli('participants', 'add', 'P8', '--skin-tone', 'monk:12')).stderr).toContain('monk takes 1 to 10');
    expect((await cli('participants', 'add', '   ')).stderr).toContain('participant id: cannot be empty or spaces only');
    const list = await cli('participants', '--json');
    expect(JSON.parse(list.stdout)).toEqual([
      { id: 'P7', ageBand: '30-39', sex: 'female', skinTone: { scale: 'monk', value: '5' }, wristCm: 16.5, dominantHand: 'left', notes: 'band on the left wrist', recorded: true, sessions: 0 },
    ]);
  });

  it('record --participant --study: sessions --json shows both, the counts follow, and removing what sessions use is refused unless --unlink', async () => {
    expect((await cli('studies', 'add', 'Wrist pilot', '--description', 'PPG vs strap')).code).toBe(0);
    const unknown = await cli('record', '--device', 'sim', '--seconds', '1', '--study', 'Nope');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no study "Nope"');
    const rec = await cli('record', '--device', 'sim', '--seconds', '1.5', '--name', 'pilot', '--participant', 'P7', '--study', 'wrist pilot');
    expect(rec.code).toBe(0);
    const id = Number(rec.stdout.trim().split('\n').at(-1));
    const sessions = JSON.parse((await cli('sessions', '--json', '--study', 'Wrist pilot')).stdout) as { id: number; participant: string; study: string }[];
    expect(sessions.map((s) => [s.id, s.participant, s.study])).toEqual([[id, 'P7', 'Wrist pilot']]);
    expect((await cli('studies')).stdout).toBe('Wrist pilot\t1 session\tPPG vs strap\n');
    expect((await cli('participants')).stdout).toMatch(/^P7\t.*\t1 session\t/);
    const refused = await cli('participants', 'remove', 'P7');
    expect(refused).toMatchObject({ code: 1 });
    expect(refused.stderr).toContain('participant "P7" is named by 1 session');
    expect((await cli('studies', 'remove', 'Wrist pilot')).stderr).toContain('study "Wrist pilot" has 1 session');
    expect((await cli('participants', 'remove', 'P7', '--unlink')).code).toBe(0);
    expect((await cli('studies', 'remove', 'Wrist pilot', '--unlink')).code).toBe(0);
    const after = JSON.parse((await cli('sessions', '--json')).stdout) as { id: number; participant: string; study: string }[];
    expect(after.map((s) => [s.id, s.participant, s.study])).toEqual([[id, '', '']]);
    expect((await cli('participants')).stdout).toContain('no participants in');
  });

  it('assign sets a recorded session\'s participant and study, clears them with \'\', and refuses an unknown study or session naming it', async () => {
    const library = new Library(join(dir.path, 'library.db'));
    const id = library.createSession('walk-in', '', 1_700_000_000);
    library.endSession(id, 1_700_000_010);
    library.close();
    expect((await cli('studies', 'add', 'Gait')).code).toBe(0);
    expect(await cli('assign', String(id), '--participant', 'P9', '--study', 'gait')).toMatchObject({ code: 0, stdout: `${id}\tP9\tGait\n` });
    const shown = JSON.parse((await cli('sessions', '--json', '--participant', 'P9')).stdout) as { id: number; study: string }[];
    expect(shown.map((s) => [s.id, s.study])).toEqual([[id, 'Gait']]);
    // An unknown study changes nothing, not even the participant given with it.
    const unknown = await cli('assign', String(id), '--participant', 'P10', '--study', 'Nope');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no study "Nope"');
    expect((await cli('assign', String(id), '--study', '', '--json')).stdout).toBe(JSON.stringify({ id, participant: 'P9', study: '' }) + '\n');
    expect((await cli('assign', String(id), '--participant', '')).stdout).toBe(`${id}\t-\t-\n`);
    expect((await cli('assign', '999', '--participant', 'P9')).stderr).toContain('no session 999');
    expect((await cli('assign', String(id))).stderr).toContain('nothing to assign');
  });
});

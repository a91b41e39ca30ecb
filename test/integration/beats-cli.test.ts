import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { beatTrain, writeBeatSession } from '../helpers/beat-session';
import { cliOn } from '../helpers/cli';
import { tempDir } from '../helpers/temp-dir';

const dir = tempDir('beats-cli');
const db = join(dir.path, 'library.db');

const cli = cliOn(db);

// Alternating 800/820 ms with an ectopic beat (index 5) splitting 800 + 820 into 700 + 920.
const ECTOPIC = beatTrain([800, 820, 800, 820, 700, 920, 800, 820, 800, 820]);

/** A new session of the ECTOPIC train in the test's library: each test edits its own. */
function newSession(): number {
  const f = writeBeatSession(db, ECTOPIC);
  f.library.close();
  return f.id;
}

describe('vitalscope beats and hrv (the built bin)', () => {
  beforeAll(() => {
    if (!existsSync(join(__dirname, '../../out/main/cli.js'))) throw new Error('out/main/cli.js is missing: run `npm run build` first');
  });
  afterAll(() => dir.cleanup());

  it('prints the beats, applies edits in the order given, and resets them', async () => {
    const id = newSession();
    // A stream by its name is as good as by its key.
    const list = await cli('beats', String(id), '--stream', 'ecg');
    expect(list.code).toBe(0);
    expect(list.stdout.trim().split('\n').map(Number)).toEqual(ECTOPIC);
    expect(list.stderr).toBe(`session ${id} d/ecg: detected set, 11 beats, 0 rejected\n`);

    const edit = await cli('beats', String(id), '--stream', 'd/ecg', '--add', '20', '--reject', '19.99', '--move', `${ECTOPIC[0]}:0.5`, '--json');
    expect(edit.code).toBe(0);
    const series = JSON.parse(edit.stdout) as { set: string; t: number[]; rejected: boolean[] };
    expect(series.set).toBe('corrected');
    // Detected beats come from host epoch seconds, good to about 0.2 µs.
    expect(series.t.map((t) => +t.toFixed(6))).toEqual([0.5, ...ECTOPIC.slice(1), 20]);
    expect(series.rejected.map((r, i) => (r ? i : -1)).filter((i) => i >= 0)).toEqual([11]);
    expect(edit.stderr).toContain('3 edits applied: corrected set, 12 beats, 1 rejected');
    expect((await cli('beats', String(id), '--stream', 'd/ecg')).stdout.trim().split('\n').pop()).toBe('20\trejected');

    const reset = await cli('beats', String(id), '--stream', 'd/ecg', '--reset', '--json');
    expect(reset.code).toBe(0);
    const detected = JSON.parse(reset.stdout) as { set: string; t: number[] };
    expect(detected.set).toBe('detected');
    expect(detected.t.map((t) => +t.toFixed(6))).toEqual(ECTOPIC);
  });

  it('prints HR and HRV over a range from the current beats, as text or JSON', async () => {
    const id = newSession();
    const before = JSON.parse((await cli('hrv', String(id), '--stream', 'd/ecg', '--json')).stdout) as { set: string; nn: number; rmssdMs: number };
    expect(before).toMatchObject({ set: 'detected', nn: 10 });
    expect(before.rmssdMs).toBeCloseTo(Math.sqrt(79600 / 9), 3);
    expect((await cli('beats', String(id), '--stream', 'd/ecg', '--reject', String(ECTOPIC[5]))).code).toBe(0);
    const text = await cli('hrv', String(id), '--stream', 'd/ecg', '--from', '0', '--to', '20');
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(`session ${id} d/ecg 0-20 s, corrected beats: 11 beats, 8 NN intervals\nmean HR 74.1 bpm, SDNN 10.7 ms, RMSSD 20.0 ms, pNN50 0.0 %\n`);
    const part = JSON.parse((await cli('hrv', String(id), '--stream', 'd/ecg', '--from', String(ECTOPIC[6] - 0.01), '--json')).stdout) as { beats: number; nn: number; t1: number };
    expect(part).toMatchObject({ beats: 5, nn: 4 });
    expect(part.t1).toBeGreaterThan(ECTOPIC[10]);
  });

  it('says what is wrong: exit 2 for usage, 1 for an edit that does not fit, and changes nothing', async () => {
    const id = newSession();
    const usage = [
      [['beats', String(id)], /--stream KEY is required/],
      [['beats', '--stream', 'd/ecg'], /beats needs a session id/],
      [['beats', String(id), '--stream', 'd/ecg', '--move', '3'], /--move must be FROM:TO in seconds from the session start, got "3"/],
      [['beats', String(id), '--stream', 'd/ecg', '--add', 'x'], /--add must be a number/],
      [['beats', String(id), '--stream', 'd/ecg', '--reset', '--add', '3'], /--reset drops every edit/],
      [['hrv', String(id), '--stream', 'd/ecg', '--from', '5', '--to', '2'], /--to \(2 s\) must be after --from \(5 s\)/],
    ] as const;
    for (const [args, message] of usage) {
      const r = await cli(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const before = (await cli('beats', String(id), '--stream', 'd/ecg', '--json')).stdout;
    const bad = await cli('beats', String(id), '--stream', 'd/ecg', '--delete', '1', '--delete', '12');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^vitalscope beats: edit 2 of 2 \(delete at 12 s\): no beat within 150 ms of 12 s \(nearest at 9.1 s\); no edit of this batch was applied\n$/);
    expect((await cli('beats', String(id), '--stream', 'd/ecg', '--json')).stdout).toBe(before);
    const missing = await cli('hrv', String(id), '--stream', 'd/ppg');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/has no stream "d\/ppg" \(streams: d\/ecg\)/);
  });
});

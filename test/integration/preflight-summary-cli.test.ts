import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../../src/main/storage/library';
import { sessionPreflight } from '../../src/main/study/session-preflight';
import type { StepSummary } from '../../src/shared/step-summary';
import { cliOn } from '../helpers/cli';
import { tempDir } from '../helpers/temp-dir';

const dir = tempDir('preflight-cli');
const db = join(dir.path, 'library.db');
const cli = cliOn(db);

function sessionIds(): number[] {
  const library = new Library(db);
  try {
    return library.sessions().map((s) => s.id);
  } finally {
    library.close();
  }
}

describe('record --require --preflight and summary --by step (the built bin, simulator on virtual time)', () => {
  beforeAll(() => {
    if (!existsSync(join(__dirname, '../../out/main/cli.js'))) throw new Error('out/main/cli.js is missing: run `npm run build` first');
  });
  afterAll(() => dir.cleanup());

  it('refuses a stream the simulator lacks: exit 1, a line naming it, no session', async () => {
    const rec = await cli('record', '--device', 'sim', '--seconds', '3', '--fast', '--require', 'eeg,ecg', '--preflight');
    expect(rec.code).toBe(1);
    expect(rec.stderr).toContain('pre-flight missing: eeg: not connected\n');
    expect(rec.stderr).not.toMatch(/pre-flight \w+: ecg/);
    expect(rec.stdout).toBe('');
    expect(sessionIds()).toEqual([]);
  });

  it('passes with the simulator, records, keeps the check in the session, and summarises it per step', async () => {
    const rec = await cli('record', '--device', 'sim', '--seconds', '12', '--fast', '--require', 'ecg,ppg', '--preflight');
    expect(rec.stderr).toMatch(/^pre-flight passed: ecg: .*quality (good|fair); ppg: /m);
    expect(rec.code).toBe(0);
    const id = Number(rec.stdout.trim().split('\n').pop());
    expect(sessionIds()).toEqual([id]);

    const library = new Library(db);
    try {
      expect(sessionPreflight(library, id)).toMatchObject({ result: { required: ['ecg', 'ppg'], passed: true } });
      // The protocol runner's step events: no stream, text = the step's name.
      const startedAt = library.session(id)!.startedAt;
      library.write(id, [], [
        { streamId: null, event: { kind: 'step', t: startedAt, duration: 6, text: 'baseline' } },
        { streamId: null, event: { kind: 'step', t: startedAt + 6, duration: 0, text: 'paced breathing' } },
      ]);
    } finally {
      library.close();
    }
    const out = await cli('summary', String(id), '--by', 'step', '--json');
    expect(out.code).toBe(0);
    const summary = JSON.parse(out.stdout) as StepSummary;
    expect(summary.session).toBe(id);
    expect(summary.steps.map((s) => [s.name, s.start_s, s.end_s])).toEqual([
      ['baseline', 0, 6],
      // The last step lasts to the session's end (as the review reckons it: its last derived value's window).
      ['paced breathing', 6, expect.any(Number)],
    ]);
    expect(summary.steps[1].end_s).toBeGreaterThanOrEqual(12);
    // The simulator's heart beats at 60 bpm by default.
    const hr = summary.steps[1].hr.ecg;
    expect(hr.n).toBeGreaterThan(3);
    expect(hr.mean).toBeGreaterThan(50);
    expect(hr.mean).toBeLessThan(75);
    expect(summary.steps[1].quality.ecg).toBeGreaterThan(50);
    expect(summary.steps.every((s) => s.lost_samples === 0 && s.steps !== null)).toBe(true);

    const text = await cli('summary', String(id), '--by', 'step');
    expect(text.stdout.split('\n')[0]).toMatch(/^step\tstart s\tduration s\tHR ecg bpm\tHR ppg bpm/);
    expect(text.stdout).toContain('paced breathing\t6.0\t');
    const usage = await cli('summary', String(id));
    expect([usage.code, usage.stderr]).toEqual([2, 'vitalscope summary: summary needs --by step (see vitalscope --help)\n']);
  });
});

// The agreement bench on real library files: `vitalscope agreement` on a session the simulator
// recorded (ECG-derived against PPG-derived HR, steps written into it), and an irregular
// strap-like stream (rate 0, HR and RR channels, a gap) against a stream's beats.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Library } from '../../src/main/storage';
import { writeCorrectedBeats } from '../../src/main/storage/corrected-beats';
import { agreementSources, sessionAgreement } from '../../src/main/study/agreement-sources';
import { cliOn, type CliResult } from '../helpers/cli';
import { tempDir } from '../helpers/temp-dir';

const SECONDS = 150;

describe('vitalscope agreement on a simulator session', () => {
  const dir = tempDir('agreement');
  const db = join(dir.path, 'library.db');
  const cli = cliOn(db);
  let id: string;
  const json = async (...args: string[]) => {
    const r: CliResult = await cli('agreement', id, ...args, '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout);
  };

  beforeAll(async () => {
    const rec = await cli('record', '--device', 'sim', '--seconds', String(SECONDS), '--still', '--fast');
    expect(rec.code).toBe(0);
    id = rec.stdout.trim().split('\n').pop()!;
    // Two protocol steps (events of kind step on no stream): rest for 100 s, then walk until the end.
    const library = new Library(db);
    const startedAt = library.session(Number(id))!.startedAt;
    const insert = library.db.prepare("INSERT INTO events (session_id, stream_id, t, duration, kind, text) VALUES (?, NULL, ?, ?, 'step', ?)");
    insert.run(Number(id), startedAt, 100, 'rest');
    insert.run(Number(id), startedAt + 100, 0, 'walk');
    library.close();
  }, 60_000);
  afterAll(() => dir.cleanup());

  it('prints the report shape for ECG against PPG heart rate, overall and per step', async () => {
    const [r, overall] = await Promise.all([json('--a', 'ecg.metrics', '--b', 'ppg.metrics', '--by', 'step'), json('--a', 'ecg.metrics', '--b', 'ppg.metrics')]);
    for (const k of ['n', 'lag_s', 'bias', 'sd', 'mae', 'rmse', 'r']) expect(typeof r[k], k).toBe('number');
    expect(r.n).toBeGreaterThan(SECONDS * 0.8);
    expect(r.n).toBeLessThanOrEqual(SECONDS + 1);
    expect(Math.abs(r.lag_s)).toBeLessThanOrEqual(10);
    expect(r.loa[0]).toBeCloseTo(r.bias - 1.96 * r.sd, 9);
    expect(r.loa[1]).toBeCloseTo(r.bias + 1.96 * r.sd, 9);
    // Both follow one simulated heart: they agree within a few bpm.
    expect(Math.abs(r.bias)).toBeLessThan(3);
    expect(r.mae).toBeLessThan(5);
    expect(r.beats).toBeUndefined();
    expect(r.steps.map((s: { name: string }) => s.name)).toEqual(['rest', 'walk']);
    for (const s of r.steps) for (const k of ['n', 'bias', 'mae']) expect(typeof s[k]).toBe('number');
    expect(r.steps[0].n + r.steps[1].n).toBe(r.n);
    expect(r.steps[0].n).toBeLessThanOrEqual(100);
    expect(overall.steps).toEqual([]);
    expect(overall.bias).toBe(r.bias);
  });

  it('matches ECG beats against PPG beats within the tolerance, with the pulse transit taken out by the lag', async () => {
    const [r, unshifted] = await Promise.all([
      json('--a', 'ecg:beats', '--b', 'ppg:beats', '--tolerance-ms', '100'),
      json('--a', 'ecg:beats', '--b', 'ppg:beats', '--tolerance-ms', '20', '--lag', '0'),
    ]);
    expect(r.beats.tolerance_ms).toBe(100);
    expect(r.beats.se).toBeGreaterThan(95);
    expect(r.beats.ppv).toBeGreaterThan(95);
    // The pulse reaches the finger after the R peak.
    expect(r.lag_s).toBeGreaterThan(0.05);
    expect(r.lag_s).toBeLessThan(0.6);
    expect(unshifted.lag_s).toBe(0);
    expect(unshifted.lag_manual).toBe(true);
    expect(unshifted.beats.se).toBeLessThan(r.beats.se);
  });

  it('writes the CSV report and a readable text report', async () => {
    const file = join(dir.path, 'agreement.csv');
    const text = await cli('agreement', id, '--a', 'ecg.metrics', '--b', 'ppg.metrics', '--by', 'step', '--csv', file);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/bias -?\d+\.\d\d bpm, SD \d+\.\d\d bpm, 95 % limits of agreement/);
    expect(text.stdout).toContain('difference B - A');
    const rows = readFileSync(file, 'utf8').trim().split('\n');
    expect(rows.filter((l) => l.startsWith('step,')).map((l) => l.split(',')[1])).toEqual(['rest', 'walk']);
    expect(rows.find((l) => l.startsWith('overall,'))).toBeDefined();
  });

  it('says what is wrong: an unknown source (listing the ones there are), other units, no overlap', async () => {
    const [unknown, units, apart, usage] = await Promise.all([
      cli('agreement', id, '--a', 'ecg.metrics', '--b', 'ppg.metric'),
      cli('agreement', id, '--a', 'ecg.metrics', '--b', 'ecg.metrics:RMSSD'),
      cli('agreement', id, '--a', 'ecg.metrics', '--b', 'ppg.metrics', '--lag', '500'),
      cli('agreement', id, '--a', 'ecg.metrics'),
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('has no source "ppg.metric" for B');
    expect(unknown.stderr).toContain('ppg.metrics (bpm)');
    expect(unknown.stderr).toContain('ecg:beats (ms)');
    expect(unknown.stderr).not.toMatch(/\n\s+at /);
    expect(units.stderr).toContain('not the same quantity');
    expect(apart.code).toBe(1);
    expect(apart.stderr).toContain('no overlapping pairs');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--b SOURCE');
  });
});

describe('an irregular stream as a source', () => {
  const dir = tempDir('agreement-strap');
  afterAll(() => dir.cleanup());

  it('pairs a rate-0 HR/RR stream with a stream’s beats, matches its RR beats, and never bridges its gap', () => {
    const library = new Library(join(dir.path, 'library.db'));
    const start = 1_700_000_000;
    const id = library.createSession('strap', 'P1', start);
    const board = library.addDevice(id, { key: 'b', label: 'Board', transport: 'sim', descriptor: {} });
    const strap = library.addDevice(id, { key: 'strap', label: 'Strap', transport: 'ble', descriptor: {} });
    const ecg = library.addStream(id, board, { key: 'b/ecg', deviceId: 'b', name: 'ecg', kind: 'ecg', rate: 250, channels: [{ label: 'I', unit: 'mV' }] });
    const hr = library.addStream(id, strap, {
      key: 'strap/hr',
      deviceId: 'strap',
      name: 'hr',
      kind: 'other',
      rate: 0,
      channels: [
        { label: 'HR', unit: 'bpm' },
        { label: 'RR', unit: 'ms' },
      ],
    });
    // Beats with a slowly varying RR (0.8-1.0 s); the strap reports each RR 20 ms late, but lacks 60-90 s.
    const beats: number[] = [];
    for (let t = 1; t < 180; t += 0.9 + 0.1 * Math.sin(t / 10)) beats.push(t);
    const chunks: Parameters<Library['write']>[1] = [];
    beats.forEach((t, i) => {
      if (i === 0 || (t > 60 && t < 90)) return;
      const rr = 1000 * (t - beats[i - 1]);
      chunks.push({ streamId: hr, chunk: { key: 'strap/hr', index: i, t0: start + t + 0.02, dt: 0, n: 1, data: Float32Array.of(60_000 / rr, rr) } });
    });
    library.write(id, chunks, [{ streamId: hr, event: { kind: 'gap', t: start + 60, duration: 30, text: 'strap out of range' } }]);
    writeCorrectedBeats(library, ecg, { t: beats, rejected: beats.map(() => false), classes: beats.map(() => null) });
    library.endSession(id, start + 180, true, false);

    const ids = agreementSources(library, id).map((s) => s.id);
    expect(ids).toEqual(['ecg:beats', 'hr', 'hr:RR']);
    const { report, points } = sessionAgreement(library, id, { a: 'ecg:beats', b: 'hr:RR' });
    expect(report.lag_s).toBeCloseTo(0.02, 2);
    expect(report.beats).toMatchObject({ fn: 0, fp: 0, tolerance_ms: 150 });
    expect(report.bias!).toBeCloseTo(0, 0);
    expect(report.mae!).toBeLessThan(5);
    expect(points.t.filter((t) => t > 62 && t < 88)).toEqual([]);
    expect(points.t.length).toBe(report.n);
    // The strap's HR by its bare stream name (its HR channel).
    expect(sessionAgreement(library, id, { a: 'hr', b: 'hr' }).report).toMatchObject({ bias: 0, mae: 0 });
    library.close();
    expect(existsSync(join(dir.path, 'library.db'))).toBe(true);
  });
});

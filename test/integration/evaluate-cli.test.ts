import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliOn } from '../helpers/cli';
import { findSharedData } from '../helpers/shared-data';
import { tempDir } from '../helpers/temp-dir';

const MODEL = join(__dirname, '../../resources/models/pvc/pvc.onnx');
const MODELS = join(__dirname, '../fixtures/models');
const dir = tempDir('evaluate');
afterAll(() => dir.cleanup());
const cli = cliOn(join(dir.path, 'lib.db'));

describe('vitalscope evaluate', () => {
  const data = findSharedData(['ecg/mitdb/119.hea', 'ecg/mitdb/119.dat', 'ecg/mitdb/119.atr']);
  const record = data && join(data, 'ecg/mitdb/119.hea');

  it.skipIf(!data)('scores the bundled model on MIT-BIH 119: the JSON contract, plausible numbers, progress on stderr', { timeout: 60_000 }, async () => {
    const run = await cli('evaluate', MODEL, record!, '--json');
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^evaluating: 119 \(1\/1\): \d{4} outputs on MLII\n$/);
    const r = JSON.parse(run.stdout);
    expect(r).toMatchObject({ model: 'pvc', tolerance_ms: 150, bootstrap: { resamples: 1000, by: 'record' } });
    expect(Object.keys(r.classes)).toEqual(['N', 'V']);
    for (const c of Object.values(r.classes) as { se: number; ppv: number; f1: number; n: number; ci: { se: number[]; ppv: number[] } }[]) {
      expect(Object.keys(c).sort()).toEqual(['ci', 'f1', 'n', 'ppv', 'se']);
      expect(c.ci.se[0]).toBeLessThanOrEqual(c.se);
      expect(c.ci.se[1]).toBeGreaterThanOrEqual(c.se);
    }
    // 119 has 1543 N and 444 V beats; it is a training record, so the model should be near perfect on it.
    expect(r.classes.N.n).toBe(1543);
    expect(r.classes.V.n).toBe(444);
    expect(r.classes.V.se).toBeGreaterThan(95);
    expect(r.classes.V.ppv).toBeGreaterThan(95);
    expect(r.confusion.rows).toEqual(['N', 'V', 'none']);
    expect(r.confusion.columns).toEqual(['N', 'V', 'missed']);
    expect(r.confusion.counts.flat().reduce((a: number, b: number) => a + b, 0)).toBeGreaterThanOrEqual(1987);
    expect(r.records.map((x: { record: string }) => x.record)).toEqual(['119']);
    expect(r.slices.map((s: { band: string }) => s.band)).toEqual([
      '<60 bpm',
      '60-100 bpm',
      '>100 bpm',
      'kSQI <5 (poor)',
      'kSQI 5-10',
      'kSQI >=10 (clean)',
      'after a gap',
      'near a prior ectopic',
      'in a labelled motion stretch',
    ]);
    // Bigeminy: most beats of 119 follow a V.
    expect(r.slices[7].classes.N.n).toBeGreaterThan(400);
    // 119's rate is ~70 bpm: its premature V beats fall in 60-100 by the local mean rate, not in >100.
    expect(r.slices[1].classes.V.n).toBeGreaterThan(400);
    expect(r.slices[2].classes.V.n).toBeLessThan(20);
    expect(r.calibration.bins).toBe(10);
    for (const label of ['N', 'V']) {
      const c = r.calibration.classes[label];
      expect(c.bins).toHaveLength(10);
      expect(c.bins.reduce((n: number, b: { n: number }) => n + b.n, 0)).toBe(c.n);
      expect(c.ece).toBeGreaterThanOrEqual(0);
      expect(c.ece).toBeLessThan(0.1);
    }
    expect(Array.isArray(r.worst)).toBe(true);
    expect(r.worst.length).toBeLessThanOrEqual(40);

    const text = await cli('evaluate', MODEL, record!);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('within ±150 ms');
    expect(text.stdout).toMatch(/\n\s+V\s+444\s+\d+\.\d\d\s+[\d.]+-[\d.]+/);
    expect(text.stdout).toContain('near a prior ectopic');
    expect(text.stdout).toMatch(/\nV: ECE 0\.\d{4} over \d+ outputs\n/);
  });

  it.skipIf(!data)('a record without annotations, a broken model or a model it cannot score: one line, exit 1', { timeout: 60_000 }, async () => {
    const bare = join(dir.path, '119.hea');
    copyFileSync(record!, bare);
    const noAtr = await cli('evaluate', MODEL, bare, '--json');
    expect(noAtr).toEqual({ code: 1, stdout: '', stderr: `vitalscope evaluate: ${bare}: no reference annotations 119.atr beside it (evaluate needs the record's beat labels)\n` });

    const junk = join(dir.path, 'broken.onnx');
    writeFileSync(junk, 'not a model');
    copyFileSync(`${MODEL}.json`, `${junk}.json`);
    const broken = await cli('evaluate', junk, record!);
    expect(broken).toEqual({ code: 1, stdout: '', stderr: `vitalscope evaluate: ${junk}: not an ONNX model (protobuf parsing failed)\n` });

    const sliding = join(MODELS, 'window-stats.onnx');
    const wrongKind = await cli('evaluate', sliding, record!);
    expect(wrongKind.code).toBe(1);
    expect(wrongKind.stderr).toBe(`vitalscope evaluate: ${sliding}: evaluate scores per-beat classifiers (trigger "beats", output "classes"); this model has trigger "sliding", output "classes"\n`);
  });

  it('usage errors exit 2', async () => {
    const none = await cli('evaluate', MODEL);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^vitalscope evaluate: evaluate needs a MODEL .* and at least one INPUT: a RECORD\.hea .* or a session id .*\(see vitalscope --help\)\n$/);
    const csv = await cli('evaluate', MODEL, 'rec.csv');
    expect(csv.code).toBe(2);
    expect(csv.stderr).toContain('"rec.csv" is neither a WFDB record nor a session id');
    const missing = await cli('evaluate', MODEL, '42');
    expect(missing).toMatchObject({ code: 1, stderr: `vitalscope evaluate: no session 42 in ${join(dir.path, 'lib.db')}\n` });
    expect((await cli('evaluate', MODEL, 'x.hea', '--bogus')).code).toBe(2);
  });
});

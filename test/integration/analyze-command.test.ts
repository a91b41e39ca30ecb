import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { analyzeCommand } from '../../src/main/analysis/offline/analyze-command';
import { PhysiologySimulator } from '../../src/main/devices/simulator/signals';
import { tempDir } from '../helpers/temp-dir';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the JSON printed by the command
async function run(args: string[]): Promise<any> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out += String(s);
    return true;
  });
  try {
    await analyzeCommand(args);
  } finally {
    spy.mockRestore();
  }
  return JSON.parse(out);
}

describe('vitalscope analyze on a generated CSV', () => {
  const dir = tempDir('analyze');
  afterAll(() => dir.cleanup());
  const fs = 100;
  const seconds = 90;
  const sim = new PhysiologySimulator({ ecgRateHz: fs, ppgRateHz: fs, imuRateHz: fs, seed: 2 });
  const ecg = new Float64Array(seconds * fs);
  const ppg = new Float64Array(2 * seconds * fs);
  const imu = new Float64Array(6 * seconds * fs);
  sim.nextEcg(ecg, ecg.length);
  sim.nextPpg(ppg, seconds * fs);
  sim.nextImu(imu, seconds * fs);
  const truth = sim.ecg.drainBeats();
  const n = seconds * fs;
  const rows = ['time,ECG,red,ir,ax,ay,az'];
  for (let i = 0; i < n; i++) rows.push([i / fs, ecg[i], ppg[i], ppg[n + i], imu[i], imu[n + i], imu[2 * n + i]].map((v) => +v.toFixed(6)).join(','));
  const csv = join(dir.path, 'rec.csv');
  writeFileSync(csv, rows.join('\n'));

  it('prints ECG, PPG and IMU results as one JSON object', async () => {
    const r = await run([csv, '--json']);
    expect(r.ecg.fs).toBe(fs);
    expect(r.ecg.signal).toBe('ECG');
    expect(Math.abs(r.ecg.beats.length - truth.length)).toBeLessThanOrEqual(2);
    expect(r.ecg.hr.t.length).toBe(r.ecg.hr.bpm.length);
    expect(r.ecg.hrv.overall.sdnnMs).toBeGreaterThan(0);
    expect(r.ppg.hr.bpm.length).toBeGreaterThan(30);
    // Still windows read the simulated 97%; walking bouts (motion artifacts) are flagged for the quality gate.
    const still = r.ppg.spo2.percent.filter((_: number, i: number) => !r.ppg.quality.motion[i]);
    expect(still.length).toBeGreaterThan(5);
    // (+-3 here: a window can catch the gentle start of a walking bout before the flag rises.)
    for (const v of still.slice(2)) expect(Math.abs(v - 97)).toBeLessThanOrEqual(3);
    expect(r.ppg.quality.class.length).toBe(r.ppg.hr.bpm.length);
    expect(r.imu.steps).toBeGreaterThanOrEqual(0);
    expect(r.imu.stepTimes.length).toBe(r.imu.steps);
  });

  it('gives clear errors', async () => {
    await expect(run([join(dir.path, 'nope.csv'), '--json'])).rejects.toThrow(/not found/);
    await expect(run([csv, '--kind', 'ECG'])).rejects.toThrow(/LABEL=KIND/);
    await expect(run([csv, '--signal', 'zzz'])).rejects.toThrow(/no such signal/);
    await expect(run([csv, '--bogus'])).rejects.toThrow(/bogus/);
    const db = join(dir.path, 'empty.db');
    await expect(run(['42', '--db', db, '--json'])).rejects.toThrow(`no session 42 in ${db}`);
  });

  it('--kind overrides grouping and --rate replaces the time column', async () => {
    const plain = join(dir.path, 'plain.csv');
    writeFileSync(plain, ['lead', ...Array.from(ecg).map((v) => v.toFixed(3))].join('\n'));
    const r = await run([plain, '--rate', String(fs), '--kind', 'lead=ecg', '--json']);
    expect(Math.abs(r.ecg.beats.length - truth.length)).toBeLessThanOrEqual(2);
    expect(r.ppg).toBeUndefined();
  });
});

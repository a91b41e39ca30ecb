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
  // Heel strikes the simulator put into the IMU (sample indices): two walking bouts, 20-50 s and 70-90 s.
  const trueSteps = sim.imu.drainSteps();
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
    // The step count follows what the recording holds: within 5% of the simulated heel strikes.
    expect(trueSteps.length).toBeGreaterThan(80);
    expect(Math.abs(r.imu.steps - trueSteps.length)).toBeLessThanOrEqual(Math.ceil(0.05 * trueSteps.length));
    expect(r.imu.stepTimes.length).toBe(r.imu.steps);
    // ...and each detected step sits on one of them (a quarter of the ~0.55 s step period).
    const nearest = (t: number) => Math.min(...trueSteps.map((s) => Math.abs(s / fs - t)));
    for (const t of r.imu.stepTimes) expect(nearest(t)).toBeLessThanOrEqual(0.14);
  });

  it('detects PPG polarity, or takes it from --ppg-polarity, and finds the peaks in it', async () => {
    // The simulator sends intensity (raw counts), decided from its first 10 s, at rest.
    const sim = await run([csv, '--json']);
    expect(sim.ppg.polarity).toMatchObject({ used: 'intensity', how: 'detected' });
    expect(sim.ppg.polarity.slopeSkew).toBeLessThan(-0.3);
    const given = await run([csv, '--ppg-polarity', 'volume', '--json']);
    expect(given.ppg.polarity).toEqual({ used: 'volume', how: 'given', slopeSkew: null });
    // A monitor-style PLETH (fast upstroke, slow decay) at 75 bpm: detected as volume, one peak a beat on the apex.
    const plethCsv = join(dir.path, 'pleth.csv');
    const rate = 125;
    const apex = (k: number) => Math.round((k * 0.8 + 0.2) * rate);
    const pleth = Array.from({ length: 60 * rate }, (_, i) => {
      const d = ((i / rate) % 0.8) - 0.2;
      return Math.exp(-0.5 * (d / (d < 0 ? 0.05 : 0.2)) ** 2).toFixed(5);
    });
    writeFileSync(plethCsv, ['PLETH', ...pleth].join('\n'));
    const r = await run([plethCsv, '--rate', String(rate), '--json']);
    expect(r.ppg.polarity.used).toBe('volume');
    expect(r.ppg.polarity.how).toBe('detected');
    expect(r.ppg.beats.length).toBeGreaterThanOrEqual(73);
    for (const b of r.ppg.beats) expect(Math.abs(b - apex(Math.round((b / rate - 0.2) / 0.8)))).toBeLessThanOrEqual(2);
    await expect(run([plethCsv, '--rate', String(rate), '--ppg-polarity', 'up'])).rejects.toThrow(/--ppg-polarity must be auto, volume .* or intensity/);
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

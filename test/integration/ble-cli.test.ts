/** Bluetooth LE through the built CLI: GATT logs replayed through the real HRS and Polar PMD drivers, its capture, the simulated strap beside the simulated board, and a scan without an adapter. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SIMULATOR } from '../../src/main/devices';
import { parseGattLog } from '../../src/main/devices/ble/gatt-log';
import { GATT } from '../../src/main/devices/ble/uuids';
import { PMD_CONTROL_POINT, PMD_DATA, PMD_SERVICE } from '../../src/main/protocols/polar-pmd';
import { createHeart } from '../../src/main/devices/simulator/signals';
import { Library } from '../../src/main/storage/library';
import { cliOn } from '../helpers/cli';
import { fakeEcgMicrovolts, H10_ECG_FRAME, h10EcgFrame } from '../helpers/fake-gatt-peripheral';
import { tempDir } from '../helpers/temp-dir';

const dir = tempDir('ble-cli');
const db = join(dir.path, 'library.db');
const cli = cliOn(db);

function samples(sessionId: number, name: string): { t: number; v: number }[] {
  const library = new Library(db);
  try {
    const stream = library.session(sessionId)!.streams.find((s) => s.name === name)!;
    return [...library.chunks(stream.id)].flatMap((c) => Array.from({ length: c.n }, (_, i) => ({ t: c.t0 + i * c.dt, v: c.data[i] })));
  } finally {
    library.close();
  }
}

const line = (t: number, characteristic: string, value: string, service = GATT.heartRateService) => JSON.stringify({ t, service, characteristic, value });

describe('Bluetooth LE from the CLI', () => {
  beforeAll(() => {
    if (!existsSync(join(__dirname, '../../out/main/cli.js'))) throw new Error('out/main/cli.js is missing: run `npm run build` first');
  });
  afterAll(() => dir.cleanup());

  it('records a replayed GATT log as hr and rr streams, and --capture writes the same log back', async () => {
    const log = join(dir.path, 'strap.jsonl');
    // 72 bpm with two intervals, 75 bpm with one, then 0x01: uint16 HR 300, no contact support; a battery level.
    const lines = [
      line(0, GATT.batteryLevel, '55', GATT.batteryService),
      line(0.2, GATT.heartRateMeasurement, '16481a030203'),
      line(0.7, GATT.heartRateMeasurement, '16480003'),
      line(1.2, GATT.heartRateMeasurement, '164b2003'),
      line(1.7, GATT.heartRateMeasurement, '012c01'),
    ];
    writeFileSync(log, lines.join('\n') + '\n');
    const capture = join(dir.path, 'captured.jsonl');
    const rec = await cli('record', '--device', `ble-replay:${log}`, '--seconds', '2.5', '--capture', capture);
    expect(rec.stderr).not.toMatch(/error/i);
    expect(rec.code).toBe(0);
    const id = Number(rec.stdout.trim().split('\n').pop());
    const hr = samples(id, 'hr');
    expect(hr.map((s) => s.v)).toEqual([72, 72, 75, 300]);
    // Timed by the log: 0.5 s apart (within a 10 ms delivery tick).
    for (let i = 1; i < hr.length; i++) expect(hr[i].t - hr[i - 1].t).toBeCloseTo(0.5, 1);
    const rr = samples(id, 'rr');
    expect(rr.map((s) => s.v)).toEqual([794, 770, 768, 800].map((x) => (x * 1000) / 1024));
    expect(rr[1].t - rr[0].t).toBeCloseTo(0.752, 2);
    const captured = parseGattLog(readFileSync(capture, 'utf8'), capture);
    expect(captured.map((e) => [e.characteristic, Buffer.from(e.value).toString('hex')])).toEqual(
      parseGattLog(lines.slice(1).join('\n'), 'x').map((e) => [e.characteristic, Buffer.from(e.value).toString('hex')]),
    );
    expect(captured[3].t - captured[0].t).toBeCloseTo(1.5, 1);
  });

  it('refuses a --capture file it cannot write, naming it, before recording anything', async () => {
    const log = join(dir.path, 'strap-short.jsonl');
    writeFileSync(log, `${line(0.2, GATT.heartRateMeasurement, '16481a030203')}\n`);
    const before = JSON.parse((await cli('sessions', '--json')).stdout).length;
    const capture = join(dir.path, 'no-such-folder', 'captured.jsonl');
    const rec = await cli('record', '--device', `ble-replay:${log}`, '--seconds', '1', '--capture', capture);
    expect(rec.code).toBe(1);
    expect(rec.stderr.trim().split('\n').filter((l) => l.includes('cannot write'))).toEqual([expect.stringContaining(`cannot write the GATT log ${capture}: ENOENT`)]);
    expect(existsSync(capture)).toBe(false);
    expect(JSON.parse((await cli('sessions', '--json')).stdout).length).toBe(before);
  });

  it('records a replayed Polar H10 log (its logged control-point answers, then HR and PMD ECG frames) as hr and an ecg stream in µV timed by the PMD timestamps', async () => {
    const log = join(dir.path, 'h10.jsonl');
    const pmd = (t: number, characteristic: string, value: string) => line(t, characteristic, value, PMD_SERVICE);
    const lines = [
      // What an H10 answered our driver: ECG settings (130 Hz, 14 bit), start ECG, PPG not supported.
      pmd(0.01, PMD_CONTROL_POINT, 'f0010000000001820001010e00'),
      pmd(0.03, PMD_CONTROL_POINT, 'f002000000'),
      pmd(0.05, PMD_CONTROL_POINT, 'f0010103'),
      line(0.3, GATT.heartRateMeasurement, '0040'),
    ];
    // ECG begins after HR: four frames of 73 samples at 130 Hz of device time, from PMD time 7e8 s.
    const sent: number[] = [];
    for (let f = 0; f < 4; f++) {
      const values = Array.from({ length: H10_ECG_FRAME }, (_, i) => fakeEcgMicrovolts(f * H10_ECG_FRAME + i));
      sent.push(...values);
      const lastNs = 700_000_000_000_000_000n + BigInt(Math.round((((f + 1) * H10_ECG_FRAME - 1) * 1e9) / 130));
      lines.push(pmd(0.6 + (f * H10_ECG_FRAME) / 130, PMD_DATA, Buffer.from(h10EcgFrame(lastNs, values)).toString('hex')));
    }
    writeFileSync(log, lines.join('\n') + '\n');
    const rec = await cli('record', '--device', `ble-replay:${log}`, '--seconds', '3.5');

    expect(rec.stderr).not.toMatch(/error/i);
    expect(rec.code).toBe(0);
    const id = Number(rec.stdout.trim().split('\n').pop());
    expect(samples(id, 'hr').map((s) => s.v)).toEqual([64]);
    const ecg = samples(id, 'ecg');
    expect(ecg.map((s) => s.v)).toEqual(sent);
    // Within a frame (from the second on) spaced by the timestamps, 1/130 s; from frame to frame as
    // the clock model places them on the log's timeline, within its 10 ms delivery tick.
    for (let i = H10_ECG_FRAME + 1; i < ecg.length; i++) {
      const step = ecg[i].t - ecg[i - 1].t;
      if (i % H10_ECG_FRAME === 0) expect(Math.abs(step - 1 / 130)).toBeLessThan(0.011);
      else expect(step).toBeCloseTo(1 / 130, 4);
    }
    expect(ecg[ecg.length - 1].t - ecg[H10_ECG_FRAME].t).toBeCloseTo((3 * H10_ECG_FRAME - 1) / 130, 1);
  });

  it('refuses a log with a bad line, naming the file and the line', async () => {
    const log = join(dir.path, 'bad.jsonl');
    writeFileSync(log, [line(0, GATT.heartRateMeasurement, '1648'), line(0.5, '2a37', '1648')].join('\n'));
    const rec = await cli('record', '--device', `ble-replay:${log}`, '--seconds', '1');
    expect(rec.code).toBe(1);
    expect(rec.stderr).toContain(`${log} line 2: "characteristic" must be a lowercase 128-bit UUID`);
    expect(rec.stderr).not.toMatch(/\n\s+at /);
  });

  it("records the simulated strap beside the simulated board: its HR agrees with the ECG's, its RR with the simulated beats", async () => {
    const rec = await cli('record', '--device', 'sim', '--device', 'sim:strap', '--seconds', '40', '--fast', '--still');
    expect(rec.code).toBe(0);
    const id = Number(rec.stdout.trim().split('\n').pop());
    const strapHr = samples(id, 'hr').map((s) => s.v);
    // About one notification a second.
    expect(strapHr.length).toBeGreaterThan(35);
    expect(strapHr.length).toBeLessThan(45);
    const ecgHr = samples(id, 'ecg.metrics')
      .map((s) => s.v)
      .filter((v) => Number.isFinite(v));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(ecgHr.length).toBeGreaterThan(20);
    expect(Math.abs(mean(strapHr) - mean(ecgHr))).toBeLessThan(3);
    const rr = samples(id, 'rr').map((s) => s.v);
    expect(rr.length).toBeGreaterThan(35);
    const heart = createHeart(DEFAULT_SIMULATOR);
    const beats = Array.from({ length: 200 }, (_, k) => (heart.beatTime(k + 1) - heart.beatTime(k)) * 1000);
    // The strap's first interval is one of the heart's; from there they follow beat by beat.
    const first = beats.findIndex((_, k) => rr.slice(0, 5).every((r, i) => Math.abs(beats[k + i] - r) < 10));
    expect(first).toBeGreaterThanOrEqual(0);
    const worst = Math.max(...rr.map((r, i) => Math.abs(r - beats[first + i])));
    expect(worst).toBeLessThan(10);
  }, 60_000);

  it('devices --ble without an adapter exits 1 with the reason', async () => {
    const scan = await cli('devices', '--ble', '--seconds', '1');
    expect(scan.code).toBe(1);
    expect(scan.stderr).toMatch(/Bluetooth unavailable: \S/);
    expect(scan.stderr).not.toMatch(/\n\s+at /);
  });
});

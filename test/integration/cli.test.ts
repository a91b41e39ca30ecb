import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SerialPort } from 'serialport';
import { beforeAll, describe, expect, it } from 'vitest';
import { PacketType, VbpDecoder, encodeCommand } from '../../src/main/protocols/vbp';
import { Library } from '../../src/main/storage/library';
import { findTool } from '../helpers/system-tool';
import { tempDir } from '../helpers/temp-dir';

const BIN = join(__dirname, '../../bin/vitalscope.js');
const run = promisify(execFile);
const dir = tempDir('cli');
const db = join(dir.path, 'library.db');

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { env: { ...process.env, VITALSCOPE_DB: db } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('vitalscope CLI (the built bin)', () => {
  beforeAll(() => {
    if (!existsSync(join(__dirname, '../../out/main/cli.js'))) throw new Error('out/main/cli.js is missing: run `npm run build` first');
  });

  it('prints help', async () => {
    const { code, stdout } = await cli('--help');
    expect(code).toBe(0);
    for (const command of ['record', 'sessions', 'export', 'simulate', 'serve', 'devices']) expect(stdout).toContain(command);
  });

  it('records, lists and exports a session per the CLI contract', async () => {
    const rec = await cli('record', '--device', 'sim', '--seconds', '4', '--name', 'cli run', '--participant', 'P7', '--loss', '2');
    expect(rec.code).toBe(0);
    const id = Number(rec.stdout.trim().split('\n').pop());
    expect(id).toBeGreaterThan(0);

    const list = await cli('sessions', '--json');
    const sessions = JSON.parse(list.stdout) as { id: number; name: string; participant: string; startedAt: string; endedAt: string; streams: { name: string; kind: string; rate: number; channels: string[]; samples: number; derivedFrom?: string }[] }[];
    const session = sessions.find((s) => s.id === id)!;
    expect(session).toMatchObject({ name: 'cli run', participant: 'P7', status: 'complete' });
    expect(new Date(session.startedAt).toISOString()).toBe(session.startedAt);
    expect(session.streams.filter((s) => !s.derivedFrom).map((s) => [s.name, s.kind, s.rate, s.channels])).toEqual([
      ['ecg', 'ecg', 500, ['Lead I']],
      ['ppg', 'ppg', 100, ['red', 'ir']],
      ['imu', 'imu', 100, ['ax', 'ay', 'az', 'gx', 'gy', 'gz']],
    ]);

    const out = join(dir.path, 'export');
    const exp = await cli('export', String(id), '--format', 'csv', '--out', out);
    expect(exp.code).toBe(0);
    const ppg = readFileSync(join(out, 'ppg.csv'), 'utf8').trim().split('\n');
    expect(ppg[0]).toBe('time_s,red [counts],ir [counts]');
    expect(ppg).toHaveLength(session.streams.find((s) => s.name === 'ppg')!.samples + 1);
    // The analysis' heart rate is recorded and exported like any stream.
    expect(session.streams.find((s) => s.name === 'ecg.metrics')).toMatchObject({ derivedFrom: 'sim/ecg', channels: ['HR', 'RMSSD', 'lost'] });
    expect(readFileSync(join(out, 'ecg.metrics.csv'), 'utf8').split('\n')[0]).toBe('time_s,HR [bpm],RMSSD [ms],lost [%]');
    const times = ppg.slice(1).map((l) => Number(l.split(',')[0]));
    expect(times.every((t, i) => i === 0 || t > times[i - 1])).toBe(true);
    const events = readFileSync(join(out, 'events.csv'), 'utf8').trim().split('\n');
    expect(events[0]).toBe('time_s,duration_s,kind,text');
    // 2% loss over ~600 packets: some gaps, each naming its stream; and the R peaks the analysis found.
    const gaps = events.slice(1).filter((l) => l.includes(',gap,'));
    expect(gaps.length).toBeGreaterThan(0);
    expect(gaps.every((l) => /,gap,(ecg|ppg|imu): \d+ packets? lost/.test(l))).toBe(true);
    expect(events.some((l) => /,beat,ecg: R$/.test(l))).toBe(true);
  });

  it('record --fast runs the simulated board on virtual time: every sample and every analysis result of the simulated span', async () => {
    const rec = await cli('record', '--device', 'sim', '--seconds', '120', '--fast', '--loss', '1');
    expect(rec.code).toBe(0);
    expect(rec.stderr).toMatch(/^simulated 120\/120 s at \d+x real time$/m);
    const id = Number(rec.stdout.trim().split('\n').pop());
    const library = new Library(db);
    try {
      const session = library.session(id)!;
      expect(session.endedAt! - session.startedAt).toBeCloseTo(120, 1);
      const ecg = session.streams.find((s) => s.name === 'ecg')!;
      const gaps = library.events(id).filter((e) => e.kind === 'gap' && e.key === ecg.key);
      const lost = gaps.reduce((sum, e) => sum + Number(/\((\d+) samples\)/.exec(e.text)![1]), 0);
      // Received + lost = 120 s at 500 Hz (up to the last packet in flight), and the worker kept up: one HR per simulated second.
      expect(Math.abs(ecg.samples + lost - 60_000)).toBeLessThanOrEqual(10);
      expect(session.streams.find((s) => s.name === 'ecg.metrics')!.samples).toBeGreaterThanOrEqual(119);
    } finally {
      library.close();
    }
  });

  it('says at once on stderr when the library refuses writes, and at the end what was not written', async () => {
    const full = join(dir.path, 'full.db');
    const library = new Library(full);
    library.db.exec(`CREATE TRIGGER full BEFORE INSERT ON chunks BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
    library.close();
    const rec = await cli('record', '--device', 'sim', '--seconds', '2', '--db', full);
    expect(rec.code).toBe(1);
    const lines = rec.stderr.trim().split('\n');
    // The first line, before any progress line: the first failed flush, and what is queued.
    expect(lines[0]).toMatch(/^RECORDING NOT WRITTEN: database or disk is full; queued in memory: (\S+ [\d.]+ s \/ [\d.]+ KB, )*sim\/ecg [\d.]+ s \/ [\d.]+ KB.*the 256\.0 MB queue fills in about/);
    expect(lines.at(-1)).toMatch(/^vitalscope record: could not write the end of session \d+ \(database or disk is full\); not written: sim\/ecg 2\.\d s/);
  });

  it.each([
    [['record', '--seconds', '1'], 2, /--device is required/],
    [['record', '--device', 'sim', '--seconds', 'abc'], 2, /--seconds must be a number/],
    [['record', '--device', 'nope', '--seconds', '1'], 2, /"nope" is not a device id/],
    [['export', '999', '--out', '/tmp/x'], 1, /no session 999/],
    [['export', '1', '--out', '/tmp/x', '--from', '5', '--to', '2'], 2, /--to \(2\) must be after --from \(5\)/],
    [['record', '--device', 'playback:1', '--speed', '20', '--seconds', '1'], 2, /--speed must be a number from 1 to 10/],
    [['record', '--device', 'serial:/dev/null', '--fast', '--seconds', '1'], 2, /--fast runs the simulated board on virtual time: use it with --device sim only/],
    [['frobnicate'], 2, /unknown command "frobnicate"/],
  ])('%j fails with one clear line', async (args, code, message) => {
    const result = await cli(...(args as string[]));
    expect(result.code).toBe(code);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message as RegExp);
  });
});

const socat = findTool('socat', { install: 'apt-get install -y socat' });

describe.skipIf(!socat)('vitalscope simulate --pty', () => {
  it('prints a pty path on its first line where a board speaks VBP', async () => {
    const child = spawn(process.execPath, [BIN, 'simulate', '--pty', '--seconds', '3'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const path = await new Promise<string>((resolve, reject) => {
      child.stdout.once('data', (d: Buffer) => resolve(d.toString().split('\n')[0]));
      child.once('exit', (code) => reject(new Error(`simulate exited ${code}`)));
    });
    expect(path).toMatch(/^\/dev\/pts\/\d+$/);
    const port = new SerialPort({ path, baudRate: 921600 });
    const decoder = new VbpDecoder();
    const types = new Set<string>();
    port.on('data', (bytes: Buffer) => decoder.push(bytes).forEach((p) => types.add(p.type)));
    await new Promise<void>((resolve) => port.once('open', () => resolve()));
    // Ask for HELLO, as the app does when it joins a stream already running.
    port.write(Buffer.from(encodeCommand(PacketType.DESCRIBE)));
    await new Promise((r) => setTimeout(r, 1000));
    port.close();
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
    expect([...types].sort()).toEqual(['data', 'hello']);
    expect(decoder.errors).toEqual({ crc: 0, cobs: 0, oversize: 0, malformed: 0 });
  });
});

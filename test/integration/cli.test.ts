import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import { beforeAll, describe, expect, it } from 'vitest';
import { PacketType, VbpDecoder, encodeCommand } from '../../src/main/protocols/vbp';
import { Library } from '../../src/main/storage/library';
import { writeSyntheticSession } from '../helpers/synthetic-session';
import { findTool } from '../helpers/system-tool';
import { cliOn } from '../helpers/cli';
import { tempDir } from '../helpers/temp-dir';

const BIN = join(__dirname, '../../bin/vitalscope.js');
const dir = tempDir('cli');
const db = join(dir.path, 'library.db');

const cli = cliOn(db);

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
    expect(session.streams.find((s) => s.name === 'ecg.metrics')).toMatchObject({ derivedFrom: 'sim/ecg', channels: ['HR', 'RMSSD', 'lost', 'usable'] });
    expect(readFileSync(join(out, 'ecg.metrics.csv'), 'utf8').split('\n')[0]).toBe('time_s,HR [bpm],RMSSD [ms],lost [%],usable');
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

  it('record --ecg-bursts: the recorded ecg.metrics flag the simulated noise burst unusable, and the clean ECG before it usable', async () => {
    const rec = await cli('record', '--device', 'sim', '--seconds', '60', '--fast', '--still', '--ecg-bursts');
    expect(rec.code).toBe(0);
    const id = Number(rec.stdout.trim().split('\n').pop());
    const library = new Library(db);
    try {
      const session = library.session(id)!;
      const metrics = session.streams.find((s) => s.name === 'ecg.metrics')!;
      const usable = metrics.channels.findIndex((c) => c.label === 'usable');
      // Each flag judges the ECG 11 s before it (shared/ecg-usable.ts), as seconds from the start.
      const flags = [...library.chunks(metrics.id)].flatMap((c) => Array.from({ length: c.n }, (_, i) => ({ t: c.t0 + i * c.dt - session.startedAt - 11, usable: c.data[usable * c.n + i] })));
      // Verdicts come on host seconds that are multiples of 5, so the judged windows' phase to the
      // burst (30-50 s) varies from run to run: the first comes within 5 s of the buffer's first
      // 10 s, and a window ending before the burst stays usable.
      expect(flags.filter((f) => f.t >= 5 && f.t < 25).map((f) => f.usable)).toEqual(Array(20).fill(1));
      const burst = flags.filter((f) => f.t >= 31 && f.t < 48);
      expect(burst.length).toBeGreaterThan(10);
      expect(burst.filter((f) => f.usable === 0).length).toBeGreaterThanOrEqual(burst.length - 5);
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
    [['record', '--device', 'serial:/dev/null', '--fast', '--seconds', '1'], 2, /--fast runs the simulated devices on virtual time: use it with --device sim and sim:strap only/],
    [['frobnicate'], 2, /unknown command "frobnicate"/],
  ])('%j fails with one clear line', async (args, code, message) => {
    const result = await cli(...(args as string[]));
    expect(result.code).toBe(code);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message as RegExp);
  });
});

describe('vitalscope session library commands', () => {
  const lib = join(dir.path, 'library-commands.db');
  let walk: number;
  let night: number;

  beforeAll(() => {
    const library = new Library(lib);
    walk = writeSyntheticSession(library, { seconds: 30, rate: 100, channels: 2, name: 'walk' }).sessionId;
    night = writeSyntheticSession(library, { seconds: 10, rate: 100, channels: 1, name: 'night' }).sessionId;
    library.close();
  });

  const listed = async (...filters: string[]): Promise<{ id: number; name: string; tags: string[] }[]> => {
    const result = await cli('sessions', '--db', lib, '--json', ...filters);
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as { id: number; name: string; tags: string[] }[];
  };

  it('renames, tags and finds sessions by search, tag and date', async () => {
    expect((await cli('rename', String(walk), '  park walk ', '--db', lib)).stdout).toBe(`${walk}\tpark walk\n`);
    expect((await cli('tag', String(walk), '+outdoor', '+left wrist', '--db', lib)).stdout).toBe(`${walk}\tleft wrist, outdoor\n`);
    expect((await cli('tag', String(walk), '-Left wrist', '--db', lib)).stdout).toBe(`${walk}\toutdoor\n`);
    expect((await listed('--search', 'PARK')).map((s) => s.name)).toEqual(['park walk']);
    expect((await listed('--search', 'synthetic board')).length).toBe(2); // the device's label
    expect((await listed('--tag', 'Outdoor')).map((s) => [s.id, s.tags])).toEqual([[walk, ['outdoor']]]);
    expect((await listed('--participant', 'p-syn')).length).toBe(2);
    // The synthetic sessions start on 2023-11-14 (UTC).
    expect((await listed('--since', '2023-11-16')).length).toBe(0);
    expect((await listed('--since', '2023-11-13', '--until', '2023-11-15')).length).toBe(2);
    const text = await cli('sessions', '--db', lib, '--search', 'nothing like it');
    expect(text.stdout).toBe(`no sessions in ${lib} match\n`);
  });

  it('exports a session as a library file, imports it under a new id, and deletes only with --yes', async () => {
    const file = join(dir.path, 'night.db');
    const exported = await cli('export', String(night), '--format', 'sqlite', '--out', file, '--db', lib);
    expect(exported).toMatchObject({ code: 0, stdout: `${file}\n` });
    // The file is a library: `sessions --db FILE` lists just that session.
    const alone = JSON.parse((await cli('sessions', '--json', '--db', file)).stdout) as { name: string }[];
    expect(alone.map((s) => s.name)).toEqual(['night']);
    const again = await cli('export', String(night), '--format', 'sqlite', '--out', file, '--db', lib);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/night\.db already exists: choose another file or delete it first/);

    const imported = await cli('import', file, '--db', lib);
    expect(imported.code).toBe(0);
    const newId = Number(imported.stdout.trim());
    expect(newId).toBeGreaterThan(night);
    const all = await listed();
    const original = all.find((s) => s.id === night)!;
    expect({ ...all.find((s) => s.id === newId)!, id: night }).toEqual(original);

    const refused = await cli('delete', String(newId), '--db', lib);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(new RegExp(`delete removes session ${newId} \\("night", 10\\.0 s\\) and everything recorded in it for good: add --yes to confirm`));
    expect((await listed()).some((s) => s.id === newId)).toBe(true);
    const deleted = await cli('delete', String(newId), '--yes', '--db', lib);
    expect(deleted.code).toBe(0);
    expect((await listed()).map((s) => s.id).sort()).toEqual([walk, night].sort());
  });

  it.each([
    [['rename', 'abc', 'x'], 2, /"abc" is not a session id/],
    [['rename', '1'], 2, /rename needs the new name/],
    [['rename', '999', 'x'], 1, /no session 999 in/],
    [['tag', '1', 'outdoor'], 2, /tag changes are \+TAG \(add\) or -TAG \(remove\), got "outdoor"/],
    [['delete'], 2, /delete needs a session id/],
    [['export', '1', '--format', 'xls', '--out', '/tmp/x'], 2, /--format "xls" is not supported; supported: csv, edf, /],
    [['export', '1', '--format', 'sqlite'], 2, /--out FILE is required/],
    [['import'], 2, /import needs a file/],
    [['import', '/nonexistent/file.db'], 1, /there is no file \/nonexistent\/file\.db/],
    [['sessions', '--since', 'yesterday'], 2, /--since: "yesterday" is not a date \(use YYYY-MM-DD or an ISO 8601 time\)/],
  ])('%j fails with one clear line', async (args, code, message) => {
    const result = await cli(...(args as string[]), '--db', lib);
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

// The engine with boards on real ptys in real time: unplug and replug (reconnect + one gap event,
// the recording goes on), two boards in one session on one timeline, and the CSV export.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { SerialPort } from 'serialport';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/main/engine';
import type { EngineStatus } from '../../src/shared/types';
import { Library, exportSessionCsv } from '../../src/main/storage';
import { findTool } from '../helpers/system-tool';
import { PtyLink, RealTimeBoard, closeRawPort, openRawPort } from '../helpers/serial-rig';
import { tempDir } from '../helpers/temp-dir';

/** The streams boards publish, without the ones the analysis derives from them. */
const rawStreams = (status: EngineStatus) => status.streams.filter((s) => !s.derivedFrom);

const socat = findTool('socat', { envVar: 'SOCAT', install: 'apt-get install socat (macOS: brew install socat)' });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe.skipIf(!socat)('serial boards in the engine (real ptys, real time)', () => {
  const dir = tempDir('serial-engine');
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  });
  afterAll(() => dir.cleanup());

  async function board(name: string, options: ConstructorParameters<typeof RealTimeBoard>[1]): Promise<RealTimeBoard> {
    const link = new PtyLink(socat!, dir.path, name);
    await link.up();
    const b = new RealTimeBoard(link, options);
    await b.plug();
    cleanups.push(async () => {
      await b.stop();
      await link.down();
    });
    return b;
  }

  async function engine(db: string): Promise<Engine> {
    const e = await createEngine({ dbPath: join(dir.path, db), reconnect: { minDelayMs: 50, maxDelayMs: 200 } });
    cleanups.push(() => e.close());
    return e;
  }

  it('reconnects after an unplug, records one gap event for the downtime, and keeps recording', async () => {
    const b = await board('unplug', { seed: 3 });
    const e = await engine('unplug.db');
    const id = `serial:${b.link.hostPath}`;
    await e.connect(id);
    await until(async () => rawStreams(await e.getStatus()).length === 3, 3000, 'HELLO');
    const sessionId = await e.startRecording({ name: 'unplug', participant: '' });
    await sleep(600);
    // Pull the cable: the board's end closes and the pty pair vanishes.
    await b.unplug();
    await b.link.down();
    await until(async () => (await e.getStatus()).devices[0].state === 'reconnecting', 3000, 'reconnecting state');
    const during = (await e.getStatus()).devices[0];
    expect(during.reconnectAttempt).toBeGreaterThanOrEqual(0);
    await sleep(500);
    const before = (await e.getStatus()).devices[0].streams[0].samples;
    // Plug it back in at the same path.
    await b.link.up();
    await b.plug();
    await until(async () => (await e.getStatus()).devices[0].reconnects === 1, 5000, 'reconnect');
    await until(async () => (await e.getStatus()).devices[0].streams[0].samples > before + 200, 5000, 'data after reconnect');
    const after = (await e.getStatus()).devices[0];
    expect(after.state).toBe('streaming');
    const summary = (await e.stopRecording())!;
    expect(summary.id).toBe(sessionId);

    const library = new Library(join(dir.path, 'unplug.db'));
    try {
      const gaps = library.events(sessionId).filter((ev) => ev.kind === 'gap');
      expect(gaps).toHaveLength(1);
      expect(gaps[0].text).toMatch(/link lost for .* reconnected/);
      expect(gaps[0].duration).toBeGreaterThan(0.4);
      expect(gaps[0].duration).toBeLessThan(3);
      // Samples on both sides of the gap, none inside it.
      const ecg = library.session(sessionId)!.streams.find((s) => s.name === 'ecg')!;
      const chunks = [...library.chunks(ecg.id)];
      const gapStart = gaps[0].t;
      const gapEnd = gaps[0].t + gaps[0].duration;
      expect(chunks.some((c) => c.t0 < gapStart)).toBe(true);
      expect(chunks.some((c) => c.t0 > gapEnd)).toBe(true);
      for (const c of chunks) {
        const end = c.t0 + c.n * c.dt;
        expect(end <= gapStart + 0.05 || c.t0 >= gapEnd - 0.05, `chunk at ${c.t0 - gapStart} s into the gap`).toBe(true);
      }
    } finally {
      library.close();
    }
  });

  it('records two boards into one session on one timeline, and exports them under distinct names', async () => {
    const a = await board('alpha', { seed: 1, clockStartSeconds: 10 });
    const b = await board('beta', { seed: 2, clockStartSeconds: 3000, driftPpm: 80 });
    const e = await engine('two.db');
    await e.connect(`serial:${a.link.hostPath}`, { protocol: 'vbp', baud: 921600 });
    await e.connect(`serial:${b.link.hostPath}`, { protocol: 'auto' });
    await until(async () => rawStreams(await e.getStatus()).length === 6, 3000, 'both HELLOs');
    const sessionId = await e.startRecording({ name: 'two boards', participant: '' });
    await sleep(1500);
    const status = await e.getStatus();
    const summary = (await e.stopRecording())!;
    const raw = summary.streams.filter((s) => !s.derivedFrom);
    expect(raw).toHaveLength(6);
    for (const s of raw) expect(s.samples).toBeGreaterThan(s.rate * 1.0);
    // Both boards started together: their latest samples sit at the same host time.
    const ends = status.devices.map((d) => d.streams.find((s) => s.key.endsWith('/ecg'))!);
    expect(ends).toHaveLength(2);

    const library = new Library(join(dir.path, 'two.db'));
    try {
      const session = library.session(sessionId)!;
      const lastTimes = session.streams
        .filter((s) => s.name === 'ecg')
        .map((s) => {
          const chunks = [...library.chunks(s.id)];
          const last = chunks[chunks.length - 1];
          return last.t0 + last.n * last.dt;
        });
      expect(Math.abs(lastTimes[0] - lastTimes[1])).toBeLessThan(0.1);
      const files = exportSessionCsv(library, sessionId, join(dir.path, 'csv'));
      const names = files.map((f) => f.split('/').pop());
      // Every stream, raw and derived, plus events.csv, each under its own name.
      expect(new Set(names).size).toBe(session.streams.length + 1);
      expect(names).toEqual(expect.arrayContaining(['alpha-host_ecg.csv', 'beta-host_ecg.csv', 'events.csv']));
      const csv = readFileSync(files[0], 'utf8').split('\n');
      expect(csv.length).toBeGreaterThan(500);
    } finally {
      library.close();
    }
  });

  /** A board printing `ax:..,ay:..` lines (Arduino serial-plotter style) at 100 Hz, with one line of junk. */
  async function textBoard(name: string): Promise<PtyLink> {
    const link = new PtyLink(socat!, dir.path, name);
    await link.up();
    const port: SerialPort = await openRawPort(link.boardPath);
    let k = 0;
    const started = performance.now();
    const timer = setInterval(() => {
      const due = Math.floor((performance.now() - started) / 10);
      let out = '';
      for (; k < due; k++) out += k === 50 ? 'oops: sensor not found\r\n' : `ax:${k},ay:${k % 7}\r\n`;
      if (out) port.write(out);
    }, 10);
    cleanups.push(async () => {
      clearInterval(timer);
      await closeRawPort(port);
      await link.down();
    });
    return link;
  }

  it('detects a text-line board, estimates its rate, counts bad lines and shows raw lines', async () => {
    const link = await textBoard('text');
    const e = await engine('text.db');
    const id = `serial:${link.hostPath}`;
    await e.connect(id);
    await until(async () => rawStreams(await e.getStatus()).length === 1, 5000, 'text stream');
    const status = await e.getStatus();
    expect(rawStreams(status)[0]).toMatchObject({ name: 'text', rate: 100, channels: [{ label: 'ax' }, { label: 'ay' }] });
    const d = status.devices[0];
    expect(d.protocol).toBe('text');
    expect(d.parseErrors).toBe(1);
    const raw = await e.getRaw(id);
    expect(raw.protocol).toBe('text');
    expect(raw.lines.some((l) => /^ax:\d+,ay:\d$/.test(l))).toBe(true);
    expect(raw.lines.some((l) => l.startsWith('! ') && l.includes('oops'))).toBe(true);
    expect(raw.hex).toMatch(/^([0-9a-f]{2} )*[0-9a-f]{2}$/);
  });

  it('records a VBP board and a text board from the CLI into one session and exports it', async () => {
    const b = await board('cli-vbp', { seed: 4 });
    const text = await textBoard('cli-text');
    const db = join(dir.path, 'cli.db');
    const run = promisify(execFile);
    const cli = join(__dirname, '../../src/main/cli.ts');
    const rec = await run(process.execPath, ['--import', 'tsx', cli, 'record', '--db', db, '--device', `serial:${b.link.hostPath}`, '--device', `serial:${text.hostPath}`, '--protocol', 'auto', '--seconds', '1.5']);
    const sessionId = Number(rec.stdout.trim().split('\n').pop());
    expect(sessionId).toBeGreaterThan(0);
    const out = await run(process.execPath, ['--import', 'tsx', cli, 'export', String(sessionId), '--db', db, '--format', 'csv', '--out', join(dir.path, 'cli-csv')]);
    const files = out.stdout.trim().split('\n').map((f) => f.split('/').pop());
    expect(files.filter((f) => !f!.includes('.metrics')).sort()).toEqual(['ecg.csv', 'events.csv', 'imu.csv', 'ppg.csv', 'text.csv']);
    const bad = await run(process.execPath, ['--import', 'tsx', cli, 'record', '--db', db, '--device', 'serial:/dev/nope', '--seconds', '1']).catch((error: { code: number; stderr: string }) => error);
    expect('code' in bad && bad.code).toBe(1);
    expect((bad as { stderr: string }).stderr).toMatch(/^vitalscope record: \/dev\/nope does not exist/);
  });

  it('says clearly when a port does not exist or is busy', async () => {
    const e = await engine('errors.db');
    await expect(e.connect('serial:/dev/does-not-exist')).rejects.toThrow(/does not exist.*unplugged/);
    const b = await board('busy', { seed: 1 });
    await e.connect(`serial:${b.link.hostPath}`);
    const other = await engine('errors2.db');
    await expect(other.connect(`serial:${b.link.hostPath}`)).rejects.toThrow(/busy: another program has it open/);
  });
});

import { execFile, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recoverInterrupted } from '../../src/main/storage/crash-recovery';
import { Library } from '../../src/main/storage/library';
import { tempDir } from '../helpers/temp-dir';

const BIN = join(__dirname, '../../bin/vitalscope.js');
const CLI = join(__dirname, '../../out/main/cli.js');
const execFileAsync = promisify(execFile);
const dir = tempDir('library-open');
// Root writes anything whatever its mode: read-only cases then run the CLI as nobody.
const unprivileged = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};

async function cli(args: string[], options: { uid?: number; gid?: number } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [BIN, ...args], { ...options, env: { ...process.env, VITALSCOPE_DB: '' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** A library with one finished session of some rows, closed (checkpointed into the main file). */
function libraryWithData(path: string): void {
  const library = new Library(path);
  const id = library.createSession('data', '', 1000);
  const stream = library.addStream(id, null, { key: 'd/ecg', deviceId: 'd', name: 'ecg', kind: 'ecg', rate: 100, channels: [{ label: 'I', unit: 'uV' }] });
  for (let k = 0; k < 200; k++) {
    library.write(id, [{ streamId: stream, chunk: { key: 'd/ecg', index: k * 100, t0: 1000 + k, dt: 0.01, n: 100, data: new Float32Array(100).fill(k) } }], []);
  }
  library.endSession(id, 1200);
  library.close();
}

describe('opening a library that cannot be used', () => {
  beforeAll(() => {
    if (!existsSync(CLI)) throw new Error('out/main/cli.js is missing: run `npm run build` first');
    chmodSync(dir.path, 0o755);
  });
  afterAll(() => dir.cleanup());

  it('creates a missing file as a new library', () => {
    const path = join(dir.path, 'new', 'library.db');
    new Library(path).close();
    expect(statSync(path).size).toBeGreaterThan(0);
  });

  it.each([
    ['a zero-length file', (p: string) => writeFileSync(p, ''), /is empty \(0 bytes\), not a Vitalscope library: restore it from a backup, delete it/],
    ['a file that is not SQLite', (p: string) => writeFileSync(p, 'these are my notes, not a database\n'.repeat(200)), /is not an SQLite database \(file is not a database\): restore it from a backup/],
    [
      'a truncated library',
      (p: string) => {
        libraryWithData(p);
        truncateSync(p, Math.floor(statSync(p).size / 2));
      },
      /is damaged \(database disk image is malformed\); quick_check: .+\. Restore it from a backup/,
    ],
    [
      'a library from a newer Vitalscope',
      (p: string) => {
        new Library(p).close();
        const db = new Database(p);
        db.pragma('user_version = 99');
        db.close();
      },
      /was written by a newer Vitalscope \(schema 99, this version knows \d+\): update Vitalscope/,
    ],
  ])('%s: one clear line naming the file and what to do, exit 1, the file untouched', async (_what, make, message) => {
    const path = join(dir.path, `${_what.replace(/\W+/g, '-')}.db`);
    make(path);
    const before = readFileSync(path);
    expect(() => new Library(path)).toThrow(message);
    const run = await cli(['sessions', '--db', path]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain(path);
    expect(run.stderr).toMatch(/pass --db with another file/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1); // no stack trace
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('serve with a damaged library prints the clear message and exits 1', async () => {
    const path = join(dir.path, 'serve-garbage.db');
    writeFileSync(path, 'garbage'.repeat(1000));
    const run = await cli(['serve', '--port', '0', '--db', path]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^vitalscope serve: the library .*serve-garbage\.db is not an SQLite database/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a read-only library file and a read-only folder: what to do, exit 1', async () => {
    const folder = join(dir.path, 'ro');
    mkdirSync(folder);
    const file = join(folder, 'library.db');
    new Library(file).close();
    chmodSync(file, 0o444);
    chmodSync(folder, 0o555);
    try {
      const readOnlyFile = await cli(['sessions', '--db', file], unprivileged);
      expect(readOnlyFile.code).toBe(1);
      expect(readOnlyFile.stderr).toMatch(/the library .*ro\/library\.db is read-only: make it writable \(chmod u\+w\), or pass --db/);
      const newInReadOnly = await cli(['sessions', '--db', join(folder, 'other.db')], unprivileged);
      expect(newInReadOnly.code).toBe(1);
      expect(newInReadOnly.stderr).toMatch(/cannot create the library .*ro\/other\.db: the folder .*ro is read-only/);
      expect(existsSync(join(folder, 'other.db'))).toBe(false);
    } finally {
      chmodSync(folder, 0o755);
    }
  });
});

describe('sessions a crash left open', () => {
  it('a recording killed with SIGKILL is recovered at its last committed sample, and sessions --json says so', async () => {
    const db = join(dir.path, 'crash.db');
    const child = spawn(process.execPath, [CLI, 'record', '--device', 'sim', '--seconds', '60', '--db', db, '--name', 'crashed'], { stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // Wait until some samples are committed (the CLI prints progress once a second).
    await new Promise<void>((resolve, reject) => {
      let seen = 0;
      child.stderr!.on('data', (d: Buffer) => {
        if (/recording \d+\/60 s: ecg [1-9]/.test(d.toString()) && ++seen >= 2) resolve();
      });
      child.once('exit', () => reject(new Error('the recording ended before it was killed')));
    });
    child.kill('SIGKILL');
    await exited;

    const sessions = await cli(['sessions', '--json', '--db', db]);
    expect(sessions.code).toBe(0);
    const [summary] = JSON.parse(sessions.stdout) as { status: string; name: string; endedAt: string | null; streams: { name: string; samples: number }[] }[];
    expect(summary).toMatchObject({ name: 'crashed', status: 'recovered' });
    expect(summary.streams.find((s) => s.name === 'ecg')!.samples).toBeGreaterThan(0);
    // Ended at the last committed sample: the ECG's last stored sample time.
    const raw = new Database(db, { readonly: true });
    const last = raw
      .prepare(`SELECT MAX(c.t0 + (c.n - 1) * c.dt) AS t FROM chunks c JOIN streams s ON s.id = c.stream_id WHERE s.name = 'ecg'`)
      .get() as { t: number };
    raw.close();
    expect(Date.parse(summary.endedAt!) / 1000).toBeGreaterThanOrEqual(last.t - 0.001);
    expect(Date.parse(summary.endedAt!) / 1000).toBeLessThan(last.t + 1);
  }, 30_000);

  it('leaves alone a session another live process records, and recovers one whose owner is gone or silent', () => {
    const path = join(dir.path, 'owners.db');
    const library = new Library(path);
    const now = Date.now() / 1000;
    const live = library.createSession('live elsewhere', '', now - 10);
    const dead = library.createSession('owner died', '', now - 10);
    const silent = library.createSession('owner alive but silent', '', now - 600);
    const stamp = library.db.prepare('UPDATE sessions SET owner_pid = ?, last_flush_at = ? WHERE id = ?');
    stamp.run(4242, now - 1, live);
    stamp.run(4343, now - 1, dead);
    stamp.run(4242, now - 300, silent);
    expect(recoverInterrupted(library.db, (pid) => pid === 4242, now).sort()).toEqual([dead, silent].sort());
    expect(library.sessions().map((s) => [s.name, s.status])).toEqual([
      ['owner died', 'recovered'],
      ['live elsewhere', 'recording'],
      ['owner alive but silent', 'recovered'],
    ]);
    // This process is alive and its new session flushed just now: a second open does not close it.
    const mine = library.createSession('this process', '', now);
    const other = new Library(path);
    expect(other.recovered).not.toContain(mine);
    expect(other.session(mine)!.status).toBe('recording');
    other.close();
    library.close();
  });
});

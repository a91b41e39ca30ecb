import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, symlinkSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobState } from '../../src/shared/types';
import { createEngine } from '../../src/main/engine';
import { JobRunner } from '../../src/main/jobs';
import { Library, exportSessionCsv } from '../../src/main/storage';
import { writeSyntheticSession } from '../helpers/synthetic-session';
import { tempDir } from '../helpers/temp-dir';

const dir = tempDir('export-job');
const dbPath = join(dir.path, 'library.db');
const BIN = join(__dirname, '../../bin/vitalscope.js');
let small: number;
/** 4 minutes of 16 channels at 1 kHz: an export that takes a second or more. */
let big: number;

beforeAll(() => {
  const library = new Library(dbPath);
  small = writeSyntheticSession(library, { seconds: 180, rate: 250, channels: 4, chunkSamples: 25 }).sessionId;
  big = writeSyntheticSession(library, { seconds: 240, rate: 1000, channels: 16 }).sessionId;
  library.close();
});
afterAll(() => dir.cleanup());

function exportJob(runner: JobRunner, sessionId: number, out: string): JobState {
  return runner.start({ kind: 'export-csv', title: `CSV export of session ${sessionId}`, sessionId, params: { sessionId, dir: out } });
}

describe('CSV export as a job in a worker thread', () => {
  it('writes the same bytes as the synchronous export, two jobs at once', async () => {
    const runner = new JobRunner({ dbPath });
    const outs = [join(dir.path, 'job-small-a'), join(dir.path, 'job-small-b')];
    const started = outs.map((out) => exportJob(runner, small, out));
    expect(started[0].id).not.toBe(started[1].id);
    expect(runner.list().map((j) => j.state)).toEqual(['running', 'running']);
    const jobs = await Promise.all(started.map((j) => runner.wait(j.id)));

    const library = new Library(dbPath);
    const reference = exportSessionCsv(library, small, join(dir.path, 'sync-small'));
    library.close();
    for (const [n, job] of jobs.entries()) {
      expect(job.state).toBe('done');
      expect(job.progress.fraction).toBe(1);
      expect(job.output!.files!.map((f) => basename(f))).toEqual(reference.map((f) => basename(f)));
      for (const [i, file] of job.output!.files!.entries()) expect(readFileSync(file).equals(readFileSync(reference[i])), file).toBe(true);
      expect(readdirSync(outs[n]).sort()).toEqual(['ecg16.csv', 'events.csv']);
    }
  });

  it('keeps the event loop responsive and reports monotone progress at a bounded rate', async () => {
    const updates: JobState['progress'][] = [];
    const runner: JobRunner = new JobRunner({ dbPath, onChange: () => updates.push(runner.list()[0].progress) });
    // Ticks of a 20 ms timer while the job runs. The bounds are loose on purpose: this machine is
    // shared and noisy, so a GC pause or a busy core may delay a tick; the synchronous export
    // blocked this thread for the whole export (> 1 s here), which no loose bound lets through.
    let ticks = 0;
    let maxGap = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
      ticks++;
    }, 20);
    const started = performance.now();
    const job = await runner.wait(exportJob(runner, big, join(dir.path, 'job-big')).id);
    const elapsed = performance.now() - started;
    clearInterval(timer);

    expect(job.state).toBe('done');
    expect(maxGap).toBeLessThan(500);
    expect(ticks).toBeGreaterThan((0.25 * elapsed) / 20);
    const fractions = updates.map((p) => p.fraction);
    expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1])).toBe(true);
    expect(fractions.at(-1)).toBe(1);
    expect(updates.filter((p) => p.fraction > 0 && p.fraction < 1).length).toBeGreaterThan(2);
    // <= 5 updates a second, plus the start and the end.
    expect(updates.length).toBeLessThanOrEqual(elapsed / 200 + 3);
    const bytes = updates.map((p) => p.bytesWritten);
    expect(bytes.every((b, i) => i === 0 || b >= bytes[i - 1])).toBe(true);
  });

  it('cancelled mid-way, ends cancelled and leaves no partial files', async () => {
    const out = join(dir.path, 'job-cancelled');
    let cancelledAt = -1;
    const runner: JobRunner = new JobRunner({
      dbPath,
      onChange: () => {
        const [job] = runner.list();
        if (cancelledAt < 0 && job.state === 'running' && job.progress.fraction > 0) {
          cancelledAt = job.progress.fraction;
          runner.cancel(job.id);
        }
      },
    });
    const job = await runner.wait(exportJob(runner, big, out).id);
    expect(cancelledAt).toBeGreaterThan(0);
    expect(cancelledAt).toBeLessThan(1);
    expect(job.state).toBe('cancelled');
    expect(job.output).toBeUndefined();
    expect(existsSync(out)).toBe(false);
  });

  it.skipIf(process.platform !== 'linux')('runs a background job at the lowest CPU priority, and only its thread', async () => {
    const niceOf = (task: string) => Number(readFileSync(`/proc/self/task/${task}/stat`, 'utf8').split(') ')[1].split(' ')[16]);
    let nices: number[] = [];
    const runner: JobRunner = new JobRunner({
      dbPath,
      background: true,
      onChange: () => {
        const [job] = runner.list();
        if (nices.length || job.state !== 'running' || job.progress.fraction === 0) return;
        nices = readdirSync('/proc/self/task').map(niceOf);
        runner.cancel(job.id);
      },
    });
    await runner.wait(exportJob(runner, big, join(dir.path, 'job-background')).id);
    expect(nices.filter((n) => n === 19)).toHaveLength(1);
    expect(niceOf(String(process.pid))).toBe(0);
  });

  it('fails with a clear message on a missing session', async () => {
    const runner = new JobRunner({ dbPath });
    const job = await runner.wait(exportJob(runner, 999, join(dir.path, 'job-missing')).id);
    expect(job.state).toBe('failed');
    expect(job.error).toBe(`CSV export of session 999 failed: no session 999 in ${dbPath}`);
    expect(existsSync(join(dir.path, 'job-missing'))).toBe(false);
  });

  it.skipIf(!existsSync('/dev/full'))('names the file when the disk is full, and removes what it wrote', async () => {
    // events.csv lands on /dev/full, whose writes fail with ENOSPC: a full disk, for real.
    const out = join(dir.path, 'job-full');
    mkdirSync(out);
    symlinkSync('/dev/full', join(out, 'events.csv.partial'));
    const runner = new JobRunner({ dbPath });
    const job = await runner.wait(exportJob(runner, small, out).id);
    expect(job.state).toBe('failed');
    expect(job.error).toMatch(new RegExp(`^CSV export of session ${small} failed: cannot write ${join(out, 'events.csv')}: ENOSPC`));
    expect(readdirSync(out)).toEqual([]);
  });
});

describe('the engine runs exports as jobs', () => {
  it('lists the job in its status with progress, and where the files went', async () => {
    const engine = await createEngine({ dbPath });
    try {
      const seen: JobState[] = [];
      const ended = new Promise<JobState>((resolve) =>
        engine.subscribe({
          status: (s) => {
            seen.push(...s.jobs);
            const job = s.jobs.find((j) => j.kind === 'export-csv' && j.sessionId === small && j.state !== 'running');
            if (job) resolve(job);
          },
        }),
      );
      const started = await engine.exportSession(small, { format: 'csv' });
      expect(started).toMatchObject({ kind: 'export-csv', sessionId: small, state: 'running' });
      await expect(engine.exportSession(small, { format: 'csv' })).rejects.toThrow(`session ${small} is already being exported (job ${started.id})`);
      const job = await ended;
      expect(job).toMatchObject({ id: started.id, state: 'done', output: { dir: join(dir.path, 'exports', `session-${small}-csv`) } });
      expect(seen.some((j) => j.id === started.id && j.state === 'running')).toBe(true);
      await expect(engine.cancelJob(started.id)).resolves.toBeUndefined(); // ended: nothing to cancel
      await expect(engine.cancelJob(12345)).rejects.toThrow('there is no job 12345');
      await expect(engine.exportSession(999, { format: 'csv' })).rejects.toThrow(`no session 999 in ${dbPath}`);
    } finally {
      await engine.close();
    }
  });
});

describe.skipIf(!existsSync(join(__dirname, '../../out/main/job-worker.js')))('vitalscope export (the built bin)', () => {
  it('shows progress on stderr, and Ctrl+C cancels it: exit code 130, no partial files', async () => {
    const out = join(dir.path, 'cli-cancelled');
    const child = spawn(process.execPath, [BIN, 'export', String(big), '--out', out, '--db', dbPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) =>
      child.stderr.on('data', (data: Buffer) => {
        stderr += data.toString();
        if (/exporting ecg16: \d+%/.test(stderr)) resolve();
      }),
    );
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain(`export of session ${big} cancelled`);
    expect(existsSync(out)).toBe(false);
  });
});

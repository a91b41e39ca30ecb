import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/main/command-args';
import { createEngine } from '../../src/main/engine';
import { JobRunner } from '../../src/main/jobs';
import { Library, saveStudy, setSessionStudy } from '../../src/main/storage';
import type { DatasetRequest, JobState } from '../../src/shared/types';
import { cliOn } from '../helpers/cli';
import { jobEnded } from '../helpers/job-ended';
import { duckdbQuery } from '../helpers/duckdb-query';
import { writeDatasetSession } from '../helpers/dataset-session';
import { tempDir } from '../helpers/temp-dir';

const dir = tempDir('dataset');
const db = join(dir.path, 'library.db');
afterAll(() => dir.cleanup());

const query = duckdbQuery;

async function build(request: Omit<DatasetRequest, 'out'>, name: string, cancelAfter?: number): Promise<{ out: string; job: JobState }> {
  const out = join(dir.path, name);
  const runner = new JobRunner({ dbPath: db });
  // One session worker unless a test asks for more: each starts through tsx, the most of this file's time.
  const { id } = runner.start({ kind: 'dataset', title: 'dataset', sessionId: 0, params: { request: { workers: 1, ...request, out } } });
  if (cancelAfter !== undefined) {
    // Cancel once some sessions are finished, others not.
    for (;;) {
      const done = existsSync(join(out, '.sessions')) ? readdirSync(join(out, '.sessions')).length : 0;
      if (done >= cancelAfter) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    runner.cancel(id);
  }
  const job = await runner.wait(id);
  await runner.close();
  return { out, job };
}

let ids: number[] = [];
beforeAll(() => {
  const library = new Library(db);
  // Participant A has two sessions; the last session has none (a group of its own).
  ids = ['A', 'A', 'B', 'C', 'D', 'E', ''].map((participant, i) =>
    writeDatasetSession(library, {
      participant,
      seconds: 20,
      ...(i === 0 ? { lost: [2500, 2625] as [number, number] } : {}),
      labels: [{ t: 3, duration: 2, text: 'motion' }],
      beats: [
        { t: 5, class: 'N' },
        { t: 6, class: 'V' },
        { t: 7, class: null, rejected: true },
        { t: 19.5, class: 'N' },
      ],
      markers: [{ t: 12, text: 'cough' }],
      steps: [
        { t: 0, duration: 0, text: 'rest' },
        { t: 10, duration: 0, text: 'walk' },
      ],
      imu: i % 2 ? 'shaking' : 'still',
    }),
  );
  saveStudy(library, { name: 'Tilt study' });
  setSessionStudy(library, ids[0], 'Tilt study');
  library.close();
});

/** The whole library in 2 s windows with .npy shards: built once, for the split and the PyTorch tests. */
const SPLIT_REQUEST = { streams: ['ecg'], window: 2, npy: true, seed: 5 };
let splitBuild: ReturnType<typeof build> | undefined;
const splitA = () => (splitBuild ??= build(SPLIT_REQUEST, 'split-a'));

describe('dataset builder', () => {
  it('cuts sliding windows with their samples, labels and quality, skipping (and counting) those that touch lost samples', async () => {
    const { out, job } = await build({ streams: ['ecg'], window: 2, step: 1, sessions: [ids[0], ids[2]], seed: 1 }, 'sliding');
    expect(job.state).toBe('done');
    const rows = await query(`SELECT * FROM read_parquet('${out}/**/*.parquet', hive_partitioning=true) WHERE session = ${ids[0]} ORDER BY t_start`);
    // 19 windows in 20 s; lost samples 2500-2624 (10-10.5 s) are touched by the windows starting at 9 and 10.
    expect(rows.map((r) => r.t_start)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 14, 15, 16, 17, 18]);
    const w3 = rows.find((r) => r.t_start === 3)!;
    expect((w3.ecg_MLII as number[]).length).toBe(500);
    expect([(w3.ecg_MLII as number[])[0], (w3.ecg_MLII as number[])[499]]).toEqual([750, 1249]);
    expect([w3.label, w3.step, rows.find((r) => r.t_start === 11)!.step]).toEqual(['motion', 'rest', 'walk']);
    expect(rows[8].missing_near).toBeGreaterThan(0);
    expect(rows[0].missing_near).toBe(0);
    const other = await query(`SELECT motion_sd FROM read_parquet('${out}/**/*.parquet') WHERE session = ${ids[2]} LIMIT 1`);
    expect(other[0].motion_sd as number).toBe(0); // a still accelerometer
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.skipped).toEqual({ 'touches lost samples': 2 });
    expect(manifest.windows).toBe(17 + 19);
    expect(manifest.sessions[0].devices).toEqual([{ label: 'Test board', firmware: '1.2.3' }]);
    // The session's study beside its participant; a session in no study has null.
    expect(manifest.sessions.map((s: { participant: string | null; study: string | null }) => [s.participant, s.study])).toEqual([
      ['A', 'Tilt study'],
      ['B', null],
    ]);
    expect(manifest.vitalscope).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
  });

  it('resamples to --rate and centres windows on the current beats with their classes (rejected beats skipped)', async () => {
    const { out, job } = await build({ streams: ['ecg'], window: 1, rate: 125, around: 'beats', sessions: [ids[2]] }, 'beats');
    expect(job.state).toBe('done');
    const rows = await query(`SELECT t_start, beat_class, ecg_MLII FROM read_parquet('${out}/**/*.parquet') ORDER BY t_start`);
    expect(rows.map((r) => [r.t_start, r.beat_class])).toEqual([
      [4.5, 'N'],
      [5.5, 'V'],
    ]);
    // A ramp of one per 4 ms resampled to 8 ms steps: two per sample, starting at 4.5 s = sample 1125.
    const x = rows[0].ecg_MLII as number[];
    expect(x.length).toBe(125);
    for (const k of [10, 60, 110]) expect(x[k]).toBeCloseTo(1125 + 2 * k, 0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.skipped).toEqual({ 'beat rejected as artifact': 1, 'runs past the recording': 1 });
    expect(manifest.classes).toEqual(['N', 'V']);
  });

  it('splits by participant, reproducibly from the seed: no participant in two splits', async () => {
    const a = await splitA();
    const b = await build({ ...SPLIT_REQUEST, workers: 2 }, 'split-b');
    const leaks = await query(`SELECT participant, count(DISTINCT split) AS n FROM read_parquet('${a.out}/**/*.parquet', hive_partitioning=true) GROUP BY participant`);
    expect(leaks.length).toBe(6); // A..E and session-<id>
    expect(leaks.every((r) => Number(r.n) === 1)).toBe(true);
    const ma = JSON.parse(readFileSync(join(a.out, 'manifest.json'), 'utf8'));
    const mb = JSON.parse(readFileSync(join(b.out, 'manifest.json'), 'utf8'));
    expect(ma.split.membership).toEqual(mb.split.membership);
    expect(Object.values(ma.split.membership).flat()).toContain(`session-${ids[6]}`);
    expect(ma.counts.train.windows + ma.counts.val.windows + ma.counts.test.windows).toBe(ma.windows);
  });

  it('resumes after a cancel: finished sessions are kept, the rerun gives the same dataset', async () => {
    const request = { streams: ['ecg'], window: 1, step: 0.5, workers: 1, npy: true, seed: 2 };
    const whole = await build(request, 'whole');
    const cut = await build(request, 'resumed', 2);
    expect(cut.job.state).toBe('cancelled');
    expect(existsSync(join(cut.out, 'manifest.json'))).toBe(false);
    const kept = readdirSync(join(cut.out, '.sessions')).length;
    expect(kept).toBeGreaterThanOrEqual(2);
    expect(kept).toBeLessThan(ids.length);
    const again = await build(request, 'resumed');
    expect(again.job.state).toBe('done');
    const rows = (out: string) => query(`SELECT * EXCLUDE (ecg_MLII), list_sum(ecg_MLII) AS s FROM read_parquet('${out}/**/*.parquet', hive_partitioning=true) ORDER BY session, t_start`);
    expect(await rows(again.out)).toEqual(await rows(whole.out));
    const manifest = (out: string) => ({ ...JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')), createdAt: null });
    expect(manifest(again.out)).toEqual(manifest(whole.out));
    // Another window into the same folder is refused, naming what it holds.
    const other = await build({ ...request, window: 2 }, 'resumed');
    expect(other.job.error).toMatch(/holds a dataset built with other arguments/);
  });

  it('loads in PyTorch as the README shows (skipped without torch)', async () => {
    const { out } = await splitA();
    const snippet = `
import sys, glob, json, numpy as np
try:
    import torch
except ImportError:
    print('SKIP: torch not installed'); sys.exit(0)
from torch.utils.data import Dataset, DataLoader
class VitalsNpy(Dataset):
    def __init__(self, root, split):
        xs = sorted(glob.glob(f'{root}/npy/{split}/x-*.npy'))
        self.x = np.concatenate([np.load(f) for f in xs])
        self.y = np.concatenate([np.load(f.replace('/x-', '/y-')) for f in xs])
    def __len__(self): return len(self.x)
    def __getitem__(self, i): return torch.from_numpy(self.x[i]), int(self.y[i])
ds = VitalsNpy(sys.argv[1], 'train')
x, y = next(iter(DataLoader(ds, batch_size=4, shuffle=False)))
classes = json.load(open(f'{sys.argv[1]}/manifest.json'))['classes']
print(len(ds), tuple(x.shape), x.dtype, classes[int(y[0])] if classes else '')
`;
    const printed = execFileSync('/usr/bin/python3', ['-c', snippet, out], { encoding: 'utf8' }).trim();
    if (printed.startsWith('SKIP')) return void console.warn(printed);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(printed).toBe(`${manifest.counts.train.windows} (4, 1, 500) torch.float32 ${manifest.classes[0]}`.trim());
  });
});

describe('vitalscope dataset (CLI)', () => {
  const cli = cliOn(db);
  it('prints the manifest path, and refuses bad arguments by name', async () => {
    const out = join(dir.path, 'cli');
    const ok = await cli('dataset', '--out', out, '--streams', 'ecg', '--window', '5', '--sessions', String(ids[1]));
    expect(ok).toMatchObject({ code: 0, stdout: `${join(out, 'manifest.json')}\n` });
    expect((await cli('dataset', '--out', out, '--streams', 'ecg')).stderr).toMatch(/--window S is required/);
    expect((await cli('dataset', '--out', out, '--streams', 'ecg', '--window', '2', '--labels', 'mood')).stderr).toMatch(/unknown kind "mood"/);
    expect((await cli('dataset', '--out', out, '--streams', 'ecg', '--window', '2', '--sessions', '999')).stderr).toMatch(/no finished session 999/);
    const again = await cli('dataset', '--out', out, '--streams', 'ecg', '--window', '3', '--sessions', String(ids[1]));
    expect(again).toMatchObject({ code: 1 });
    expect(again.stderr).toMatch(/other arguments/);
    expect(again.stderr).not.toMatch(/\n\s+at /);
    const over = await cli('dataset', '--out', out, '--streams', 'ecg', '--window', '3', '--sessions', String(ids[1]), '--overwrite');
    expect(over.code).toBe(0);
    rmSync(out, { recursive: true });
  });
});

describe('buildDataset (the API the dataset dialog calls)', () => {
  // A whole engine and a job worker: about 2 s alone, ten times that on a loaded machine.
  it('builds into a new folder under the library as a job, and refuses bad requests by name', { timeout: 60_000 }, async () => {
    const args = parseCommand('buildDataset', [{ out: '', streams: ['ecg'], window: 5, sessions: [ids[3]], seed: 1 }]).args as [DatasetRequest];
    expect(() => parseCommand('buildDataset', [{ out: '', streams: [], window: 5 }])).toThrow(/bad arguments for buildDataset/);
    expect(() => parseCommand('buildDataset', [{ out: '', streams: ['ecg'], window: 5, around: 'peaks' }])).toThrow(/bad arguments for buildDataset/);
    const engine = await createEngine({ dbPath: db });
    try {
      const job = await jobEnded(engine, (await engine.buildDataset(...args)).id);
      expect(job.state).toBe('done');
      expect(job.output!.files![0]).toMatch(new RegExp(`^${join(dir.path, 'datasets', 'dataset-')}.*manifest\\.json$`));
      const manifest = JSON.parse(readFileSync(job.output!.files![0], 'utf8')) as { windows: number; counts: Record<string, { sessions: number; participants: number; windows: number }> };
      expect(manifest.windows).toBe(4);
      // The job's output carries the manifest's counts per split: what the dialog shows.
      const splits = job.output!.splits!;
      expect(Object.keys(splits)).toEqual(['train', 'val', 'test']);
      for (const s of ['train', 'val', 'test'] as const) expect(splits[s]).toEqual({ sessions: manifest.counts[s].sessions, participants: manifest.counts[s].participants, windows: manifest.counts[s].windows });
      expect(Object.values(splits).map((c) => c.windows).sort()).toEqual([0, 0, 4]);
    } finally {
      await engine.close();
    }
  });
});

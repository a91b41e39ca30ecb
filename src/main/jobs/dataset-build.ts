/**
 * Builds an ML dataset from recorded sessions: picks the sessions, splits them by participant,
 * cuts each session's windows in a worker thread of its own (`dataset-session` jobs, `workers` at
 * a time, each with its own read-only library connection), then writes the manifest.
 *
 * Resumable: the arguments are written to the folder first; each finished session leaves
 * `.sessions/<id>.json` (its parts and counts), so a rerun with the same arguments skips it, and a
 * session interrupted mid-way keeps its finished parts (see writeSessionParts).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { version } from '../../../package.json';
import type { DatasetRequest, DatasetSplitCount } from '../../shared/types';
import { npyHeader } from '../formats/dataset/npy';
import { assignSplits, SPLITS, type SplitFractions, type SplitName } from '../formats/dataset/split';
import { LABEL_SOURCES, writeSessionParts, type DatasetSpec, type SessionParts, type SessionTarget } from '../storage/dataset-parts';
import { PARTIAL_SUFFIX, withFile } from '../storage/export-csv';
import type { Library } from '../storage/library';
import type { JobContext } from './job-kinds';
import { JobRunner } from './job-runner';

export const DEFAULT_SPLIT: [number, number, number] = [70, 15, 15];
export const DEFAULT_WORKERS = 2;
/** Windows per Parquet part and .npy shard. */
const WINDOWS_PER_PART = 4096;
/** The arguments a dataset folder was built with, written before anything else. */
const ARGUMENTS_FILE = '.dataset-arguments.json';
const SESSIONS_DIR = '.sessions';
export const MANIFEST_FILE = 'manifest.json';

/** The request with its defaults filled in, checked: what the manifest records and a rerun must match. */
export function datasetArguments(request: DatasetRequest): Required<Omit<DatasetRequest, 'out' | 'overwrite' | 'workers' | 'sessions' | 'participants' | 'rate' | 'around'>> & Pick<DatasetRequest, 'sessions' | 'participants' | 'rate' | 'around'> {
  const fail = (what: string) => {
    throw new Error(`dataset: ${what}`);
  };
  if (request.streams.length === 0) fail('give at least one stream (--streams NAME[,NAME])');
  if (!(request.window > 0 && request.window <= 3600)) fail(`the window must be more than 0 and at most 3600 s, got ${request.window}`);
  const step = request.step ?? request.window;
  if (!(step > 0 && step <= 86400)) fail(`the step must be more than 0 s, got ${step}`);
  if (request.rate !== undefined && !(request.rate > 0 && request.rate <= 100_000)) fail(`the rate must be more than 0 and at most 100000 Hz, got ${request.rate}`);
  if (request.rate !== undefined && request.rate * request.window < 1) fail(`a ${request.window} s window at ${request.rate} Hz holds no sample`);
  const labels = request.labels ?? [...LABEL_SOURCES];
  for (const l of labels) if (!LABEL_SOURCES.includes(l)) fail(`unknown label source "${l}"; known: ${LABEL_SOURCES.join(', ')}`);
  const split = request.split ?? DEFAULT_SPLIT;
  if (split.length !== 3 || split.some((p) => !(p >= 0)) || !(split[0] + split[1] + split[2] > 0)) fail(`the split must be three non-negative shares TRAIN,VAL,TEST, got ${split.join(',')}`);
  if (request.npy && request.streams.length > 1 && request.rate === undefined) fail('--npy with several streams needs --rate: a shard holds one rate');
  const seed = request.seed ?? 0;
  if (!Number.isInteger(seed)) fail(`the seed must be an integer, got ${seed}`);
  return {
    streams: request.streams,
    window: request.window,
    step,
    ...(request.rate !== undefined ? { rate: request.rate } : {}),
    ...(request.sessions ? { sessions: [...request.sessions].sort((a, b) => a - b) } : {}),
    ...(request.participants ? { participants: [...request.participants].sort() } : {}),
    labels,
    ...(request.around ? { around: request.around } : {}),
    split,
    seed,
    npy: request.npy ?? false,
  };
}

/** Builds the dataset `request` asks for; the files it wrote (the manifest first) and its counts per split. */
export async function buildDataset(context: JobContext, request: DatasetRequest): Promise<{ files: string[]; splits: Record<SplitName, DatasetSplitCount> }> {
  const { library, report } = context;
  const args = datasetArguments(request);
  const dir = request.out;

  const sessions = library
    .sessions()
    .filter((s) => s.status !== 'recording')
    .filter((s) => !args.sessions || args.sessions.includes(s.id))
    .filter((s) => !args.participants || args.participants.includes(s.participant))
    .sort((a, b) => a.id - b.id);
  for (const id of args.sessions ?? []) if (!sessions.some((s) => s.id === id)) throw new Error(`dataset: no finished session ${id} in ${library.path}`);
  if (sessions.length === 0) throw new Error(`dataset: no finished session${args.participants ? ` of participant ${args.participants.join(', ')}` : ''} in ${library.path}`);

  prepareFolder(dir, args, request.overwrite ?? false);
  // A session without a participant is a group of its own: it cannot leak into another split, but two such sessions of one person could.
  const groupOf = (s: { id: number; participant: string }) => (s.participant.trim() ? hiveValue(s.participant.trim()) : `session-${s.id}`);
  const fractions: SplitFractions = { train: args.split[0], val: args.split[1], test: args.split[2] };
  const total = args.split[0] + args.split[1] + args.split[2];
  for (const s of SPLITS) fractions[s] /= total;
  const splits = assignSplits(sessions.map(groupOf), fractions, args.seed);
  const targets: SessionTarget[] = sessions.map((s) => ({ sessionId: s.id, group: groupOf(s), split: splits.get(groupOf(s))! }));
  const spec: DatasetSpec = { streams: args.streams, window: args.window, step: args.step, rate: args.rate, around: args.around, labels: args.labels, npy: args.npy, windowsPerPart: WINDOWS_PER_PART };

  const results = await runSessions(context, dir, spec, targets, request.workers ?? DEFAULT_WORKERS);
  if (args.npy) writeLabelShards(dir, results);
  const manifest = join(dir, MANIFEST_FILE);
  const counts = splitCounts(targets, results);
  writeJson(manifest, manifestOf(library, args, targets, results, counts));
  report({ stage: 'done', samplesDone: 1, samplesTotal: 1, bytesWritten: 0 });
  const perSplit = Object.fromEntries(SPLITS.map((s) => [s, { sessions: counts[s].sessions, participants: counts[s].participants, windows: counts[s].windows }])) as Record<SplitName, DatasetSplitCount>;
  return { files: [manifest, ...results.flatMap((r) => r.parts.map((p) => join(dir, p)))], splits: perSplit };
}

/** Every session's parts: finished ones read back, the rest cut by `workers` worker threads, each taking every workers-th session. */
async function runSessions(context: JobContext, dir: string, spec: DatasetSpec, targets: SessionTarget[], workers: number): Promise<SessionParts[]> {
  if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new Error(`dataset: workers must be a whole number from 1 to 64, got ${workers}`);
  const todo = targets.filter((t) => !existsSync(sessionFile(dir, t.sessionId)));
  const runner = new JobRunner({ dbPath: context.library.path, nativeBinding: context.nativeBinding });
  try {
    const shares = Array.from({ length: Math.min(workers, todo.length) }, (_, w) => todo.filter((_, i) => i % workers === w));
    const jobs = shares.map((share) => runner.start({ kind: 'dataset-session', title: `dataset windows of sessions ${share.map((t) => t.sessionId).join(', ')}`, sessionId: share[0].sessionId, params: { dir, spec, targets: share } }));
    const ended = Promise.all(jobs.map((j) => runner.wait(j.id)));
    let finished = false;
    void ended.then(() => (finished = true));
    while (!finished) {
      const states = runner.list();
      const fraction = (targets.length - todo.length + states.reduce((s, j, i) => s + j.progress.fraction * shares[i].length, 0)) / targets.length;
      // Throws when this job is cancelled: the finally below stops the session workers.
      context.report({ stage: `${targets.length} sessions`, samplesDone: Math.round(fraction * 1000), samplesTotal: 1000, bytesWritten: 0 });
      await new Promise((r) => setTimeout(r, 50));
    }
    const failed = (await ended).find((j) => j.state !== 'done');
    if (failed) throw new Error(failed.error ?? `${failed.title}: ${failed.state}`);
  } finally {
    await runner.close();
  }
  return targets.map((t) => JSON.parse(readFileSync(sessionFile(dir, t.sessionId), 'utf8')) as SessionParts);
}

/** The job of one worker: its sessions one after the other, each recorded as finished when its parts are written. */
export async function datasetSessions(library: Library, dir: string, spec: DatasetSpec, targets: SessionTarget[], report: JobContext['report']): Promise<string[]> {
  const files: string[] = [];
  for (const [k, target] of targets.entries()) {
    const result = await writeSessionParts(library, dir, spec, target, (p) =>
      report({ stage: `session ${target.sessionId}`, samplesDone: k * 1000 + Math.round((1000 * p.windowsDone) / Math.max(1, p.windowsTotal)), samplesTotal: targets.length * 1000, bytesWritten: 0 }),
    );
    const file = sessionFile(dir, target.sessionId);
    mkdirSync(join(dir, SESSIONS_DIR), { recursive: true });
    writeJson(file, result);
    files.push(file);
  }
  return files;
}

function sessionFile(dir: string, id: number): string {
  return join(dir, SESSIONS_DIR, `${id}.json`);
}

/**
 * An empty or new folder gets the arguments; one built with the same arguments is resumed; any
 * other content is refused unless `overwrite` (then only what a dataset build writes is removed).
 */
function prepareFolder(dir: string, args: object, overwrite: boolean): void {
  const text = JSON.stringify(args);
  const argsFile = join(dir, ARGUMENTS_FILE);
  const entries = existsSync(dir) ? readdirSync(dir) : [];
  if (entries.length > 0) {
    const earlier = existsSync(argsFile) ? readFileSync(argsFile, 'utf8').trim() : null;
    if (earlier === text) return;
    if (!overwrite) {
      throw new Error(
        earlier === null
          ? `dataset: ${dir} is not empty and holds no dataset: choose an empty folder (or --overwrite to write into it)`
          : `dataset: ${dir} holds a dataset built with other arguments (${earlier}): rerun with those to resume, choose another folder, or --overwrite`,
      );
    }
    for (const e of entries) if (/^split=|^npy$|^\.sessions$|^manifest\.json|^\.dataset-arguments\.json/.test(e)) rmSync(join(dir, e), { recursive: true, force: true });
  }
  mkdirSync(dir, { recursive: true });
  writeJson(argsFile, args, text);
}

function writeJson(file: string, value: unknown, text = JSON.stringify(value, null, 2)): void {
  withFile(file, () => {}, (write) => write(text + '\n'));
  renameSync(file + PARTIAL_SUFFIX, file);
}

/** A participant id as a Hive partition value: letters, digits and a few safe marks kept (a '/' or '=' would break the layout). */
function hiveValue(participant: string): string {
  return participant.replace(/[^\p{L}\p{N} ._+@-]/gu, '_');
}

/** y-<session>-<n>.npy per shard: each window's main label as its index in the manifest's classes. */
function writeLabelShards(dir: string, results: SessionParts[]): void {
  const classes = labelClasses(results);
  for (const split of SPLITS) {
    const npyDir = join(dir, 'npy', split);
    if (!existsSync(npyDir)) continue;
    for (const f of readdirSync(npyDir).filter((f) => /^meta-\d+-\d+\.json$/.test(f))) {
      const meta = JSON.parse(readFileSync(join(npyDir, f), 'utf8')) as { windows: { label: string }[] };
      const y = BigInt64Array.from(meta.windows, (w) => BigInt(classes.indexOf(w.label)));
      const file = join(npyDir, f.replace(/^meta-/, 'y-').replace(/\.json$/, '.npy'));
      withFile(file, () => {}, (write) => {
        write(npyHeader('<i8', [y.length]));
        write(new Uint8Array(y.buffer));
      });
      renameSync(file + PARTIAL_SUFFIX, file);
    }
  }
}

/** Every main-label value, sorted: y's class indices. */
function labelClasses(results: SessionParts[]): string[] {
  return [...new Set(results.flatMap((r) => Object.keys(r.labels)))].sort();
}

type SplitCounts = Record<SplitName, DatasetSplitCount & { labels: Record<string, number> }>;

/** Sessions, participants, windows and label values per split. */
function splitCounts(targets: SessionTarget[], results: SessionParts[]): SplitCounts {
  const counts = Object.fromEntries(SPLITS.map((s) => [s, { sessions: 0, participants: new Set(targets.filter((t) => t.split === s).map((t) => t.group)).size, windows: 0, labels: {} }])) as SplitCounts;
  results.forEach((r, i) => {
    const c = counts[targets[i].split];
    c.sessions++;
    c.windows += r.windows;
    for (const [k, v] of Object.entries(r.labels)) c.labels[k] = (c.labels[k] ?? 0) + v;
  });
  return counts;
}

function manifestOf(library: Library, args: ReturnType<typeof datasetArguments>, targets: SessionTarget[], results: SessionParts[], counts: SplitCounts): unknown {
  const skipped: Record<string, number> = {};
  for (const r of results) for (const [k, v] of Object.entries(r.skipped)) skipped[k] = (skipped[k] ?? 0) + v;
  const devices = library.db.prepare('SELECT label, descriptor FROM devices WHERE session_id = ? ORDER BY id');
  return {
    vitalscope: version,
    createdAt: new Date().toISOString(),
    arguments: args,
    layout: 'split=<split>/participant=<participant>/part-<session>-<n>.parquet',
    groups: 'participants; a session without a participant is a group of its own (session-<id>)',
    split: {
      seed: args.seed,
      shares: { train: args.split[0], val: args.split[1], test: args.split[2] },
      membership: Object.fromEntries(SPLITS.map((s) => [s, [...new Set(targets.filter((t) => t.split === s).map((t) => t.group))].sort()])),
    },
    classes: labelClasses(results),
    counts,
    windows: results.reduce((s, r) => s + r.windows, 0),
    samples: results.reduce((s, r) => s + r.samples, 0),
    skipped,
    sessions: targets.map((t, i) => {
      const session = library.session(t.sessionId)!;
      const r = results[i];
      return {
        id: t.sessionId,
        name: session.name,
        participant: session.participant || null,
        study: session.study || null,
        group: t.group,
        split: t.split,
        startedAt: session.startedAt,
        devices: (devices.all(t.sessionId) as { label: string; descriptor: string }[]).map((d) => ({ label: d.label, firmware: firmwareOf(d.descriptor) })),
        streams: r.columns,
        windows: r.windows,
        skipped: r.skipped,
        ...(r.excluded ? { excluded: r.excluded } : {}),
      };
    }),
  };
}

/** The firmware a board's HELLO descriptor names, where it does. */
function firmwareOf(descriptor: string): string | null {
  try {
    const d = JSON.parse(descriptor) as { firmware?: unknown; device?: { firmware?: unknown } };
    const f = d.device?.firmware ?? d.firmware;
    return typeof f === 'string' ? f : null;
  } catch {
    return null;
  }
}

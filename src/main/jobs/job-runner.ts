import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { JobKind, JobState } from '../../shared/types';
import { workerEntry } from '../worker-entry';
import { PROGRESS_INTERVAL_MS, type FromJob, type JobParams, type JobWorkerData } from './job-protocol';

export interface JobRunnerOptions {
  /** The library file; each job opens its own connection to it (read-only unless the job writes: WRITING_JOBS). */
  dbPath: string;
  nativeBinding?: string;
  /**
   * Run jobs at the lowest CPU priority (Linux), for a process that also reads devices and draws:
   * a job then takes only the CPU they leave. The CLI's export, alone in its process, runs at full speed.
   */
  background?: boolean;
  /** Called when a job starts or ends at once, and for progress at most every PROGRESS_INTERVAL_MS. */
  onChange?: () => void;
}

export interface JobRequest<K extends JobKind> {
  kind: K;
  title: string;
  sessionId: number;
  params: JobParams[K];
}

/** A cancelled job that has not stopped by then (stuck in one long call) is terminated. */
const CANCEL_GRACE_MS = 5000;
/** Ended jobs kept in the list, so a UI that connects later still sees how its export ended. */
const KEEP_ENDED = 20;

interface Entry {
  state: JobState;
  worker: Worker;
  cancel: Int32Array;
  ended: Promise<JobState>;
}

/**
 * Runs long work (exports, later imports and re-analysis) in worker threads, off the thread that
 * reads devices: each job has an id, progress, cancel, and ends `done`, `failed` or `cancelled`.
 */
export class JobRunner {
  private readonly jobs = new Map<number, Entry>();
  private nextId = 1;
  private notifyTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: JobRunnerOptions) {}

  start<K extends JobKind>(request: JobRequest<K>): JobState {
    if (this.options.dbPath === ':memory:') throw new Error('jobs need a library file: this library is in memory');
    const id = this.nextId++;
    const cancel = new SharedArrayBuffer(4);
    const data: JobWorkerData<K> = {
      kind: request.kind,
      params: request.params,
      dbPath: this.options.dbPath,
      nativeBinding: this.options.nativeBinding,
      background: this.options.background ?? false,
      cancel,
    };
    const entry = workerEntry('job-worker.js', join(__dirname, 'job-worker.ts'));
    const worker = new Worker(entry.code, { eval: entry.eval, workerData: data });
    const state: JobState = {
      id,
      kind: request.kind,
      title: request.title,
      sessionId: request.sessionId,
      state: 'running',
      startedAt: Date.now(),
      endedAt: null,
      progress: { fraction: 0, stage: '', samplesDone: 0, samplesTotal: 0, bytesWritten: 0, etaSeconds: null },
    };
    const ended = new Promise<JobState>((resolve) => {
      const end = (outcome: Partial<JobState> & Pick<JobState, 'state'>): void => {
        if (state.state !== 'running') return;
        Object.assign(state, outcome, { endedAt: Date.now() });
        if (outcome.state === 'done') state.progress = { ...state.progress, fraction: 1, samplesDone: state.progress.samplesTotal, etaSeconds: 0 };
        void worker.terminate();
        this.prune();
        this.notify(true);
        resolve(state);
      };
      worker.on('message', (message: FromJob) => {
        if (message.type === 'progress') {
          const { samplesDone, samplesTotal } = message.progress;
          const fraction = samplesTotal > 0 ? Math.min(1, samplesDone / samplesTotal) : 0;
          const elapsed = (Date.now() - state.startedAt) / 1000;
          state.progress = { ...message.progress, fraction, etaSeconds: fraction > 0 ? (elapsed * (1 - fraction)) / fraction : null };
          this.notify(false);
        } else if (message.type === 'done') end({ state: 'done', output: message.output });
        else if (message.type === 'failed') end({ state: 'failed', error: `${request.title} failed: ${message.message}` });
        else end({ state: 'cancelled' });
      });
      worker.on('error', (error) => end({ state: 'failed', error: `${request.title} failed: ${error.message}` }));
      worker.on('exit', (code) => {
        if (Atomics.load(new Int32Array(cancel), 0) !== 0) end({ state: 'cancelled' });
        else end({ state: 'failed', error: `${request.title} failed: its worker stopped (exit code ${code})` });
      });
    });
    this.jobs.set(id, { state, worker, cancel: new Int32Array(cancel), ended });
    this.notify(true);
    return { ...state };
  }

  /** Asks a running job to stop; it ends `cancelled` with its partial files removed. Ended jobs stay as they are. */
  cancel(id: number): void {
    const entry = this.jobs.get(id);
    if (!entry) throw new Error(`there is no job ${id}`);
    if (entry.state.state !== 'running') return;
    Atomics.store(entry.cancel, 0, 1);
    const timer = setTimeout(() => void entry.worker.terminate(), CANCEL_GRACE_MS);
    void entry.ended.then(() => clearTimeout(timer));
  }

  /** Resolves with the job's final state. */
  async wait(id: number): Promise<JobState> {
    const entry = this.jobs.get(id);
    if (!entry) throw new Error(`there is no job ${id}`);
    return { ...(await entry.ended) };
  }

  list(): JobState[] {
    return [...this.jobs.values()].map((e) => ({ ...e.state }));
  }

  /** Cancels every running job and waits for them to stop. */
  async close(): Promise<void> {
    if (this.notifyTimer) clearTimeout(this.notifyTimer);
    const running = [...this.jobs.values()].filter((e) => e.state.state === 'running');
    for (const e of running) this.cancel(e.state.id);
    await Promise.all(running.map((e) => e.ended));
  }

  private prune(): void {
    const ended = [...this.jobs.values()].filter((e) => e.state.state !== 'running');
    for (const e of ended.slice(0, Math.max(0, ended.length - KEEP_ENDED))) this.jobs.delete(e.state.id);
  }

  /** Starts and endings are told at once; progress of all jobs together at most every PROGRESS_INTERVAL_MS. */
  private notify(now: boolean): void {
    if (now) {
      if (this.notifyTimer) clearTimeout(this.notifyTimer);
      this.notifyTimer = null;
      this.options.onChange?.();
    } else {
      this.notifyTimer ??= setTimeout(() => {
        this.notifyTimer = null;
        this.options.onChange?.();
      }, PROGRESS_INTERVAL_MS);
    }
  }
}

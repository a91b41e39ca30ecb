import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PsdResult } from '../../shared/api';
import type { AnalysisState, Chunk } from '../../shared/types';
import type { HostClock } from '../acquisition/host-clock';
import type { StreamBus } from '../acquisition/stream-bus';
import { workerEntry } from '../worker-entry';
import type { FromWorker, ToWorker } from './worker-protocol';

const NUMERICS_INTERVAL_MS = 1000;
const BUS_OWNER = 'analysis';

/** How a crashed worker is restarted. */
export interface RestartPolicy {
  /** Delay before the first restart; it doubles with each crash up to `maxDelayMs`. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** This many crashes within `windowMs` stop the analysis (a crash loop helps nobody). */
  maxCrashes: number;
  windowMs: number;
  /** A worker that ran this long before crashing had recovered: the count and delay start over. */
  stableMs: number;
}

export const DEFAULT_RESTART: RestartPolicy = { firstDelayMs: 500, maxDelayMs: 30_000, maxCrashes: 5, windowMs: 60_000, stableMs: 60_000 };

export interface AnalysisHostOptions {
  restart?: Partial<RestartPolicy>;
  /** The worker's code (tests: a worker that crashes); the bundled or source entry by default. */
  entry?: WorkerEntry;
}

interface WorkerEntry {
  code: string;
  eval: boolean;
}

/**
 * Runs the live analysis in a worker thread: raw chunks go in by transfer (a copy, since the
 * recorder and UI hold the originals), derived streams, beat/step events and numerics come back
 * onto the bus. A crashed worker is restarted with backoff and its error shown, and after too many
 * crashes in a short time it is stopped, with the reason in the state; acquisition and recording
 * never wait on it.
 */
export class AnalysisHost {
  readonly state: AnalysisState = { restarts: 0, numerics: [] };
  private worker: Worker | null = null;
  private closed = false;
  private readonly policy: RestartPolicy;
  private restartDelay: number;
  /** performance.now() of the recent crashes, and of the current worker's start. */
  private crashes: number[] = [];
  private spawnedAt = 0;
  private nextPsdId = 1;
  private postedStreams = '';
  private nextSettleId = 1;
  private readonly pendingSettle = new Map<number, () => void>();
  private readonly pendingPsd = new Map<number, { resolve(r: PsdResult): void; reject(e: Error): void; key: string; channel: number }>();
  private readonly unsubscribe: () => void;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly bus: StreamBus,
    private readonly now: HostClock,
    private readonly onChange: () => void = () => undefined,
    private readonly options: AnalysisHostOptions = {},
  ) {
    this.policy = { ...DEFAULT_RESTART, ...options.restart };
    this.restartDelay = this.policy.firstDelayMs;
    this.spawn();
    this.unsubscribe = bus.subscribe({
      streams: () => this.postStreams(),
      chunk: (chunk) => {
        if (chunk.key && !bus.stream(chunk.key)?.derivedFrom) this.postChunk(chunk);
      },
    }, 'analysis');
    this.timer = setInterval(() => this.post({ type: 'numerics', now: this.now() }), NUMERICS_INTERVAL_MS);
  }

  psd(key: string, channel: number, seconds: number): Promise<PsdResult> {
    const id = this.nextPsdId++;
    return new Promise((resolve, reject) => {
      this.pendingPsd.set(id, { resolve, reject, key, channel });
      if (!this.post({ type: 'psd', id, key, channel, seconds })) {
        this.pendingPsd.delete(id);
        reject(new Error(`the analysis worker is not running${this.state.error ? `: ${this.state.error}` : ''}`));
      }
    });
  }

  /**
   * Resolves once the worker has analysed every chunk posted so far and its results are on the
   * bus (messages keep their order both ways); at once when no worker runs. A run faster than
   * real time waits on it, so the analysis is never left behind.
   */
  settle(): Promise<void> {
    const id = this.nextSettleId++;
    return new Promise((resolve) => {
      if (!this.post({ type: 'settle', id })) return resolve();
      this.pendingSettle.set(id, resolve);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    this.unsubscribe();
    for (const p of this.pendingPsd.values()) p.reject(new Error('the engine is closing'));
    this.pendingPsd.clear();
    await this.worker?.terminate();
    this.bus.setStreams(BUS_OWNER, []);
  }

  private spawn(): void {
    const entry = this.options.entry ?? workerEntry('analysis-worker.js', join(__dirname, 'worker.ts'));
    const worker = new Worker(entry.code, { eval: entry.eval });
    this.worker = worker;
    this.spawnedAt = performance.now();
    worker.on('message', (message: FromWorker) => this.receive(message));
    this.postStreams(true);
    worker.on('error', (error) => {
      this.state.error = error.message;
      this.onChange();
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = null;
      for (const p of this.pendingPsd.values()) p.reject(new Error('the analysis worker stopped'));
      this.pendingPsd.clear();
      for (const resolve of this.pendingSettle.values()) resolve();
      this.pendingSettle.clear();
      if (this.closed) return;
      this.state.error ??= `the analysis worker exited with code ${code}`;
      this.state.restarts++;
      // The new worker starts from nothing: derived streams and numerics come back as it learns.
      this.bus.setStreams(BUS_OWNER, []);
      this.state.numerics = [];
      this.scheduleRestart();
      this.onChange();
    });
  }

  /** Restarts the worker after the backoff delay, or stops the analysis when it keeps crashing. */
  private scheduleRestart(): void {
    const p = this.policy;
    const at = performance.now();
    if (at - this.spawnedAt >= p.stableMs) {
      this.crashes = [];
      this.restartDelay = p.firstDelayMs;
    }
    this.crashes = [...this.crashes.filter((t) => at - t < p.windowMs), at];
    if (this.crashes.length >= p.maxCrashes) {
      this.state.stopped = `the analysis stopped after ${this.crashes.length} crashes within ${p.windowMs / 1000} s (last: ${this.state.error}); it restarts when the streams change`;
      return;
    }
    setTimeout(() => {
      if (!this.closed) this.spawn();
    }, this.restartDelay).unref();
    this.restartDelay = Math.min(p.maxDelayMs, this.restartDelay * 2);
  }

  /** A stopped analysis tries again with a new set of streams: the crash may have been the old set's. */
  private resume(): void {
    this.state.stopped = undefined;
    this.state.error = undefined;
    this.crashes = [];
    this.restartDelay = this.policy.firstDelayMs;
    this.spawn();
  }

  private post(message: ToWorker, transfer: ArrayBuffer[] = []): boolean {
    if (!this.worker) return false;
    this.worker.postMessage(message, transfer);
    return true;
  }

  /** Tells the worker the raw streams when they changed (or it is new); derived ones are its own. */
  private postStreams(force = false): void {
    const raw = this.bus.streams.filter((s) => !s.derivedFrom);
    const signature = JSON.stringify(raw);
    if (!force && signature === this.postedStreams) return;
    if (this.state.stopped && !this.worker) {
      this.postedStreams = signature;
      this.resume();
      return;
    }
    if (this.post({ type: 'streams', streams: raw })) this.postedStreams = signature;
  }

  private postChunk(chunk: Chunk): void {
    const data = chunk.data.slice();
    this.post({ type: 'chunk', chunk: { ...chunk, data } }, [data.buffer]);
  }

  private receive(message: FromWorker): void {
    switch (message.type) {
      case 'streams':
        this.bus.setStreams(BUS_OWNER, message.streams);
        break;
      case 'chunk':
        this.bus.publish(message.chunk);
        break;
      case 'event':
        this.bus.publishEvent(message.event);
        break;
      case 'numerics':
        this.state.numerics = message.numerics;
        break;
      case 'settled':
        this.pendingSettle.get(message.id)?.();
        this.pendingSettle.delete(message.id);
        break;
      case 'unsupported':
        this.state.unsupported = message.unsupported;
        this.onChange();
        break;
      case 'psd': {
        const pending = this.pendingPsd.get(message.id);
        this.pendingPsd.delete(message.id);
        if (!pending) break;
        if (message.error || !message.freqs || !message.psd) pending.reject(new Error(message.error ?? 'PSD failed'));
        else pending.resolve({ key: pending.key, channel: pending.channel, freqs: Array.from(message.freqs), psd: Array.from(message.psd) });
        break;
      }
    }
  }
}

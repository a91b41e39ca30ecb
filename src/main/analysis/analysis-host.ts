import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PsdResult } from '../../shared/api';
import type { AnalysisState, Chunk, ModelInfo, ModelState } from '../../shared/types';
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
  readonly state: AnalysisState = { restarts: 0, numerics: [], models: [] };
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
  private nextModelRequest = 1;
  private nextModelId = 1;
  private readonly pendingModel = new Map<number, { resolve(r: Extract<FromWorker, { type: 'model' }>): void; reject(e: Error): void }>();
  /** Models attached, re-attached to a restarted worker. */
  private readonly attached = new Map<string, { file: string; streamKey: string }>();
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

  /** Loads an ONNX model and its manifest in the worker, checks them and releases it: what it is, or an Error saying what is wrong. */
  async inspectModel(file: string): Promise<ModelInfo> {
    return (await this.modelRequest(resolve(file))).info!;
  }

  /** Runs a model on a live stream in the worker; its outputs become the derived stream `<stream>.<model>`. */
  async attachModel(file: string, streamKey: string): Promise<ModelState> {
    const modelId = `model-${this.nextModelId++}`;
    const path = resolve(file);
    const { state } = await this.modelRequest(path, { modelId, streamKey });
    this.attached.set(modelId, { file: path, streamKey });
    this.state.models = [...(this.state.models ?? []).filter((m) => m.id !== modelId), state!];
    this.onChange();
    return state!;
  }

  detachModel(modelId: string): void {
    if (!this.attached.delete(modelId) && !this.state.models?.some((m) => m.id === modelId)) throw new Error(`no model ${modelId} is attached`);
    this.post({ type: 'detachModel', modelId });
    this.state.models = (this.state.models ?? []).filter((m) => m.id !== modelId);
    this.onChange();
  }

  private modelRequest(file: string, attach?: { modelId: string; streamKey: string }): Promise<Extract<FromWorker, { type: 'model' }>> {
    const id = this.nextModelRequest++;
    return new Promise((resolve, reject) => {
      this.pendingModel.set(id, {
        resolve: (reply) => (reply.error ? reject(new Error(reply.error)) : resolve(reply)),
        reject,
      });
      if (!this.post({ type: 'model', id, file, ...(attach ? { attach } : {}) })) {
        this.pendingModel.delete(id);
        reject(new Error(`the analysis worker is not running${this.state.error ? `: ${this.state.error}` : ''}`));
      }
    });
  }

  /**
   * Resolves once the worker has analysed every chunk posted so far and its results are on the
   * bus (messages keep their order both ways), with its numerics as of now (a virtual clock runs
   * ahead of their timer); at once when no worker runs. A run faster than real time waits on it,
   * so the analysis is never left behind.
   */
  settle(): Promise<void> {
    const id = this.nextSettleId++;
    this.post({ type: 'numerics', now: this.now() });
    return new Promise((resolve) => {
      if (!this.post({ type: 'settle', id })) return resolve();
      this.pendingSettle.set(id, resolve);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    this.unsubscribe();
    for (const p of [...this.pendingPsd.values(), ...this.pendingModel.values()]) p.reject(new Error('the engine is closing'));
    this.pendingPsd.clear();
    this.pendingModel.clear();
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
    // A restarted worker runs the attached models again, from the next samples on.
    for (const [modelId, { file, streamKey }] of this.attached) this.post({ type: 'model', id: 0, file, attach: { modelId, streamKey } });
    worker.on('error', (error) => {
      this.state.error = error.message;
      this.onChange();
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = null;
      for (const p of [...this.pendingPsd.values(), ...this.pendingModel.values()]) p.reject(new Error('the analysis worker stopped'));
      this.pendingPsd.clear();
      this.pendingModel.clear();
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
      case 'model':
        this.pendingModel.get(message.id)?.resolve(message);
        this.pendingModel.delete(message.id);
        break;
      case 'models': {
        // Status goes out every second anyway: push it early only when a model came, went or failed.
        const signature = (models: ModelState[] = []) => JSON.stringify(models.map((m) => [m.id, m.error]));
        const changed = signature(this.state.models) !== signature(message.models);
        this.state.models = message.models;
        if (changed) this.onChange();
        break;
      }
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

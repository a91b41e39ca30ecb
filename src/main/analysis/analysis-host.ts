import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PsdResult } from '../../shared/api';
import type { AnalysisState, Chunk } from '../../shared/types';
import type { HostClock } from '../acquisition/host-clock';
import type { StreamBus } from '../acquisition/stream-bus';
import { workerEntry } from '../worker-entry';
import type { FromWorker, ToWorker } from './worker-protocol';

const NUMERICS_INTERVAL_MS = 1000;
const MAX_RESTART_DELAY_MS = 10_000;
const BUS_OWNER = 'analysis';

/**
 * Runs the live analysis in a worker thread: raw chunks go in by transfer (a copy, since the
 * recorder and UI hold the originals), derived streams, beat/step events and numerics come back
 * onto the bus. A crashed worker is restarted with backoff and its error shown; acquisition and
 * recording never wait on it.
 */
export class AnalysisHost {
  readonly state: AnalysisState = { restarts: 0, numerics: [] };
  private worker: Worker | null = null;
  private closed = false;
  private restartDelay = 500;
  private nextPsdId = 1;
  private postedStreams = '';
  private readonly pendingPsd = new Map<number, { resolve(r: PsdResult): void; reject(e: Error): void; key: string; channel: number }>();
  private readonly unsubscribe: () => void;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly bus: StreamBus,
    private readonly now: HostClock,
    private readonly onChange: () => void = () => undefined,
  ) {
    this.spawn();
    this.unsubscribe = bus.subscribe({
      streams: () => this.postStreams(),
      chunk: (chunk) => {
        if (chunk.key && !bus.stream(chunk.key)?.derivedFrom) this.postChunk(chunk);
      },
    });
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
    const entry = workerEntry('analysis-worker.js', join(__dirname, 'worker.ts'));
    const worker = new Worker(entry.code, { eval: entry.eval });
    this.worker = worker;
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
      if (this.closed) return;
      this.state.error ??= `the analysis worker exited with code ${code}`;
      this.state.restarts++;
      this.onChange();
      // The new worker starts from nothing: derived streams and numerics come back as it learns.
      this.bus.setStreams(BUS_OWNER, []);
      this.state.numerics = [];
      setTimeout(() => {
        if (this.closed) return;
        this.spawn();
      }, this.restartDelay).unref();
      this.restartDelay = Math.min(MAX_RESTART_DELAY_MS, this.restartDelay * 2);
    });
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
        // A worker that answers again has recovered.
        this.restartDelay = 500;
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

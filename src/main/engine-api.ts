import type { LiveFrame, VitalsCommands } from '../shared/api';
import type { EngineStatus } from '../shared/types';

export interface EngineListener {
  frame?(frame: LiveFrame): void;
  status?(status: EngineStatus): void;
}

/** What every face drives: the renderer's commands plus push subscriptions. */
export interface Engine extends VitalsCommands {
  subscribe(listener: EngineListener): () => void;
  /** Resolves once the live analysis has caught up with every chunk so far (runs on a virtual clock wait on it). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export interface EngineOptions {
  /** Path of the SQLite library database. */
  dbPath: string;
  /**
   * Path of a better-sqlite3 native binding to load instead of the one in node_modules: the
   * Electron shell passes its Electron-ABI build here (see scripts/start-electron.mjs).
   */
  nativeBinding?: string;
  /** synchronous=FULL: each flush also survives a power loss or OS crash, at a cost (bench/results/durable.json). */
  durable?: boolean;
  /** Bytes the recorder may queue while the library cannot be written (default 256 MiB). */
  recordQueueBytes?: number;
  /**
   * Re-time a stopped session and build missing pyramids in background jobs (default), so the
   * thread that reads devices never waits on them; false: at stop, in place (the CLI's record,
   * which exits right after).
   */
  finishSessionsInJobs?: boolean;
}

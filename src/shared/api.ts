import type { DeviceEntry, EngineStatus, SessionSummary, StreamInfo } from './types';

/** The samples that reached the UI since the previous frame, per stream. */
export interface LiveStreamBlock {
  key: string;
  /** Host time of the first sample, seconds since the Unix epoch. */
  t0: number;
  dt: number;
  n: number;
  channels: number;
  /** Channel-major, physical units. */
  data: Float32Array;
}

export interface LiveFrame {
  /** Host time the engine sent the frame (ms since the Unix epoch), for latency measurement. */
  sentAt: number;
  blocks: LiveStreamBlock[];
}

export interface RecordOptions {
  name: string;
  participant: string;
}

/** Requests the renderer can make. Every face implements exactly this. */
export interface VitalsCommands {
  listDevices(): Promise<DeviceEntry[]>;
  connect(deviceId: string): Promise<void>;
  disconnect(deviceId: string): Promise<void>;
  getStatus(): Promise<EngineStatus>;
  startRecording(options: RecordOptions): Promise<number>;
  stopRecording(): Promise<SessionSummary | null>;
  listSessions(): Promise<SessionSummary[]>;
  addMarker(text: string): Promise<void>;
}

export type VitalsCommand = keyof VitalsCommands;

export const VITALS_COMMANDS: readonly VitalsCommand[] = [
  'listDevices',
  'connect',
  'disconnect',
  'getStatus',
  'startRecording',
  'stopRecording',
  'listSessions',
  'addMarker',
];

/** The typed interface the renderer talks to, over IPC (preload) or WebSocket (web face). */
export interface VitalsApi extends VitalsCommands {
  /** Subscribe to live sample frames (<= 60 per second). Returns an unsubscribe function. */
  onFrame(listener: (frame: LiveFrame) => void): () => void;
  /** Subscribe to status pushes (about once a second, and on every change). */
  onStatus(listener: (status: EngineStatus) => void): () => void;
}

export type { StreamInfo };

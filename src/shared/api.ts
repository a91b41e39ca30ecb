import type { AnalysisRunBeats, AnalysisRunSummary, BeatEdit, BeatSeries, HrvSummary, NewLabel, ReanalysisOptions, SessionDetail, TrackData } from './review';
import type { ConnectOptions, DeviceEntry, EngineStatus, ExportFormat, ExportRange, JobState, ModelInfo, ModelState, RawView, SessionSummary, StreamInfo } from './types';

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
  /** Host time (ms since the Unix epoch) the newest of these samples reached the engine. */
  arrivedAt: number;
}

/** A beat or step the analysis found, to mark on its stream's trace. */
export interface LiveMark {
  key: string;
  /** Host time, s since the Unix epoch. */
  t: number;
  kind: 'beat' | 'step';
}

export interface LiveFrame {
  /** Host time the engine sent the frame (ms since the Unix epoch): lets a UI align its clock. */
  sentAt: number;
  blocks: LiveStreamBlock[];
  marks: LiveMark[];
}

export interface RecordOptions {
  name: string;
  participant: string;
}

/** Requests the renderer can make. Every face implements exactly this. */
export interface VitalsCommands {
  listDevices(): Promise<DeviceEntry[]>;
  /** Opens a device: `serial:<path>` ids take baud/protocol/rate options; paths not listed (ptys) open too. */
  connect(deviceId: string, options?: ConnectOptions): Promise<void>;
  disconnect(deviceId: string): Promise<void>;
  getStatus(): Promise<EngineStatus>;
  startRecording(options: RecordOptions): Promise<number>;
  stopRecording(): Promise<SessionSummary | null>;
  listSessions(): Promise<SessionSummary[]>;
  addMarker(text: string): Promise<void>;
  /** The last bytes/lines a connected device sent, for the raw view. */
  getRaw(deviceId: string): Promise<RawView>;
  /**
   * Starts a job exporting a recorded session as CSV (one file per stream + events.csv) into the
   * library's exports folder. Its progress and outcome (the files, or the error) arrive in
   * `EngineStatus.jobs`. With a range, only the samples and events in it (seconds from the start).
   * `format` 'edf'/'bdf': one `session-<id>.edf`/`.bdf` file instead (EDF+D where samples were lost).
   */
  exportSession(sessionId: number, range?: ExportRange, format?: ExportFormat): Promise<JobState>;
  /** Renames a session (trimmed, not empty); returns it as listed. */
  renameSession(sessionId: number, name: string): Promise<SessionSummary>;
  /** Replaces a session's tags (trimmed, duplicates dropped); returns it as listed. */
  setSessionTags(sessionId: number, tags: string[]): Promise<SessionSummary>;
  /** Deletes a session and everything recorded in it. Refused while it is recorded or a job works on it. */
  deleteSession(sessionId: number): Promise<void>;
  /**
   * Starts a job writing a session as its own SQLite library file (`session-<id>.db`, openable
   * with `--db`, importable) into the library's exports folder; progress in `EngineStatus.jobs`.
   */
  exportSessionFile(sessionId: number): Promise<JobState>;
  /**
   * Starts a job importing every session of a library file (a path on the engine's machine) under
   * new ids; its output lists them. Nothing in the library is overwritten.
   */
  importSessionFile(path: string): Promise<JobState>;
  /** Cancels a running job: it ends `cancelled` and leaves no partial files. */
  cancelJob(jobId: number): Promise<void>;
  /** Welch power spectral density of the newest `seconds` (<= 30) of one channel of a live stream. */
  getPsd(streamKey: string, channel: number, seconds: number): Promise<PsdResult>;
  /** A recorded session for the review view: its streams and its events (times from the session start). */
  getSessionDetail(sessionId: number): Promise<SessionDetail>;
  /** One stream of a session over [t0, t1) s from its start, as at most `columns` min/max columns or the raw samples. */
  readTrack(sessionId: number, streamKey: string, t0: number, t1: number, columns: number): Promise<TrackData>;
  /** A stream's beats (or steps): the corrected set when the user edited it, else the detected one. */
  getBeats(sessionId: number, streamKey: string): Promise<BeatSeries>;
  /** Applies edits to a stream's corrected beat set (made from the detected one on the first edit); returns it. */
  editBeats(sessionId: number, streamKey: string, edits: BeatEdit[]): Promise<BeatSeries>;
  /** Discards a stream's corrected beat set, so the detected one is current again; returns it. */
  resetBeats(sessionId: number, streamKey: string): Promise<BeatSeries>;
  /** HR and HRV over [t0, t1) s from the stream's current beat set. */
  getHrv(sessionId: number, streamKey: string, t0: number, t1: number): Promise<HrvSummary>;
  /** Adds a label (an interval with a text) to a session; returns its id. */
  addLabel(sessionId: number, label: NewLabel): Promise<number>;
  updateLabel(sessionId: number, labelId: number, label: NewLabel): Promise<void>;
  deleteLabel(sessionId: number, labelId: number): Promise<void>;
  /** Re-runs the analysis over a session with other parameters, as a job; the result is stored as a named run beside the live one. */
  reanalyzeSession(sessionId: number, options: ReanalysisOptions): Promise<JobState>;
  listAnalysisRuns(sessionId: number): Promise<AnalysisRunSummary[]>;
  getAnalysisRunBeats(sessionId: number, runId: number): Promise<AnalysisRunBeats>;
  deleteAnalysisRun(sessionId: number, runId: number): Promise<void>;
  /** Loads an ONNX model (a path on the engine's machine) and its `.onnx.json` manifest, checks them against each other and releases it: its manifest, or an Error naming the file and the field. */
  inspectModel(path: string): Promise<ModelInfo>;
  /** Runs a model on a live stream in the analysis worker; its outputs are the derived stream `<stream>.<model>`, its figures in `EngineStatus.analysis.models`. */
  attachModel(path: string, streamKey: string): Promise<ModelState>;
  /** Stops an attached model (or forgets a failed one). */
  detachModel(modelId: string): Promise<void>;
}

export interface PsdResult {
  key: string;
  channel: number;
  /** Hz. */
  freqs: number[];
  /** Power spectral density, unit²/Hz. */
  psd: number[];
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
  'getRaw',
  'getPsd',
  'exportSession',
  'renameSession',
  'setSessionTags',
  'deleteSession',
  'exportSessionFile',
  'importSessionFile',
  'cancelJob',
  'getSessionDetail',
  'readTrack',
  'getBeats',
  'editBeats',
  'resetBeats',
  'getHrv',
  'addLabel',
  'updateLabel',
  'deleteLabel',
  'reanalyzeSession',
  'listAnalysisRuns',
  'getAnalysisRunBeats',
  'deleteAnalysisRun',
  'inspectModel',
  'attachModel',
  'detachModel',
];

/** The typed interface the renderer talks to, over IPC (preload) or WebSocket (web face). */
export interface VitalsApi extends VitalsCommands {
  /** Subscribe to live sample frames (<= 60 per second). Returns an unsubscribe function. */
  onFrame(listener: (frame: LiveFrame) => void): () => void;
  /** Subscribe to status pushes (about once a second, and on every change). */
  onStatus(listener: (status: EngineStatus) => void): () => void;
}

export type { ConnectOptions, JobState, ModelInfo, ModelState, RawView, StreamInfo };

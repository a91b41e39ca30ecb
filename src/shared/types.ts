/** Domain types shared by the engine, the faces and the renderer. No Node, no DOM. */
import type { PreflightResult } from './preflight';
import type { ProtocolRunState } from './protocol';
import type { BleLinkStats } from './ble';

export type StreamKind = 'ecg' | 'ppg' | 'imu' | 'resp' | 'eda' | 'temp' | 'other' | 'eeg';
export const STREAM_KINDS: readonly StreamKind[] = ['ecg', 'ppg', 'imu', 'resp', 'eda', 'temp', 'other', 'eeg'];

export interface ChannelInfo {
  label: string;
  unit: string;
}

/** A stream as the engine, recorder and UI see it, whatever its source. */
export interface StreamInfo {
  /** Unique in the engine: `${deviceId}/${name}`. */
  key: string;
  deviceId: string;
  name: string;
  kind: StreamKind;
  /** Nominal sample rate in Hz; 0 for an irregular stream. */
  rate: number;
  channels: ChannelInfo[];
  /** Set on streams the analysis derives (heart rate, SpO2...): the key of the stream they come from. */
  derivedFrom?: string;
  /** A display-only stream (the filtered view of its source): shown live, never recorded. */
  liveOnly?: boolean;
}

/**
 * A block of consecutive samples of one stream. Channel-major: channel c's samples are
 * data[c*n .. c*n+n). Sample i was taken at host time t0 + i*dt (seconds since the Unix epoch,
 * after the device's clock model).
 */
export interface Chunk {
  key: string;
  /** Index of the first sample since the stream started (lost samples are counted too). */
  index: number;
  t0: number;
  dt: number;
  n: number;
  data: Float32Array | Float64Array;
  /** What the device's clock model knew when it placed this chunk (absent for derived streams): stored so timing is auditable and re-fitted when the session ends. */
  clock?: ChunkClock;
}

/** A chunk's device-clock record. Device times are seconds of the board's own (unwrapped) clock. */
export interface ChunkClock {
  /** Device time of the first sample. */
  dev0: number;
  /** Counts restarts of the device's clock (a reboot): device times compare only within one epoch. */
  epoch: number;
  /** The pairing the fit was fed: device time `obsDev` arrived no earlier than host time `arrival` (of a merged chunk's packets, the lowest arrival - device time). */
  obsDev: number;
  arrival: number;
  /** The online fit that placed the chunk: host = dev + offset + drift * dev. */
  offset: number;
  drift: number;
}

export type EventKind = 'gap' | 'marker' | 'device' | 'note' | 'beat' | 'step' | 'label';

export interface SessionEvent {
  kind: EventKind;
  /** Host time, seconds since the Unix epoch. */
  t: number;
  /** Seconds; 0 for an instant. */
  duration: number;
  text: string;
  /** The stream it concerns, if any. */
  key?: string;
  /** For a gap: the samples lost, where known. */
  lost?: number;
  /** For a model's marker: the model and the class it gave (a class in its manifest's `display.marks`). */
  model?: { name: string; label: string };
}

/** 'playback': a recorded session replayed as a device (`playback:<session-id>`). */
export type TransportKind = 'sim' | 'serial' | 'ble' | 'playback';

/** A device the engine can connect to. */
export interface DeviceEntry {
  id: string;
  label: string;
  transport: TransportKind;
  connected: boolean;
  /** Extra detail for the picker (port path, USB ids). */
  detail?: string;
  /** Serial ports: path, USB vendor/product ids (hex) and manufacturer when the OS reports them. */
  serial?: { path: string; vendorId?: string; productId?: string; manufacturer?: string; serialNumber?: string };
}

/** Options of `connect`: serial settings and protocol choice (ignored by devices they do not apply to). */
export interface ConnectOptions {
  /** Serial baud rate (default 115200; USB CDC boards ignore it). */
  baud?: number;
  /** 'auto' (default) detects VBP frames, text lines or Cyton packets from the first bytes. */
  protocol?: ProtocolChoice;
  /** Text lines: the sample rate in Hz; estimated from arrival times when absent. */
  rate?: number;
  /** Playback devices: how many times real time (1-10, default 1). */
  speed?: number;
  /** OpenBCI Cyton: the PGA gain its channels are set to (one of CYTON_GAINS, default 24), for the µV scale. */
  gain?: CytonGain;
}

/** The ADS1299's PGA gains, as the OpenBCI Cyton offers them. */
export const CYTON_GAINS = [1, 2, 4, 6, 8, 12, 24] as const;
export type CytonGain = (typeof CYTON_GAINS)[number];

/** The most recent bytes of a device, for debugging firmware: hex for VBP, lines for text. */
export interface RawView {
  deviceId: string;
  protocol?: BoardProtocol;
  /** Total bytes received so far. */
  bytesReceived: number;
  /** The last bytes received, as space-separated hex (at most 1 KiB). */
  hex: string;
  /** The last text lines received (text protocol or while detecting), newest last. */
  lines: string[];
}

/** Live statistics of one stream, refreshed about once a second. */
export interface StreamStats {
  key: string;
  nominalRate: number;
  /** Samples per second of device time measured over the last few seconds; 0 before enough data. */
  measuredRate: number;
  samples: number;
  packets: number;
  packetsLost: number;
}

/** How a board's bytes are read: VBP frames, text lines or OpenBCI Cyton packets; 'auto' detects it on connect. */
export type BoardProtocol = 'vbp' | 'text' | 'openbci-cyton';
export const BOARD_PROTOCOLS: readonly BoardProtocol[] = ['vbp', 'text', 'openbci-cyton'];
export type ProtocolChoice = BoardProtocol | 'auto';

export interface DeviceStats {
  deviceId: string;
  label: string;
  transport: TransportKind;
  /** 'reconnecting': the link was lost (unplugged) and the engine is trying to reopen it; 'finished': a playback reached its end. */
  state: 'connecting' | 'streaming' | 'reconnecting' | 'disconnected' | 'error' | 'finished';
  error?: string;
  /** The protocol in use; absent while auto-detection is still looking at the first bytes. */
  protocol?: BoardProtocol;
  /** Serial settings, for serial devices. */
  port?: { path: string; baud: number };
  /** Times the link was lost and reopened in this connection. */
  reconnects?: number;
  /** While reconnecting: the attempt under way (1, 2, ...). */
  reconnectAttempt?: number;
  /** Median round-trip time of the recent kept SYNC exchanges, ms; absent for boards that do not answer SYNC. */
  rttMs?: number;
  /** SYNC replies received (0 for a one-way board: its clock is fitted from arrival times alone). */
  syncReplies?: number;
  /** Text lines that did not parse (text protocol). */
  parseErrors?: number;
  /** Bytes received from the board since connecting. */
  bytesReceived?: number;
  /** The board's descriptor, as sent in HELLO. */
  descriptor?: { name: string; model?: string; firmware?: string; serial?: string };
  /** Host minus device clock at the latest fit, in ms (the device clock starts at an arbitrary origin). */
  clockOffsetMs: number;
  /** Device clock drift against the host clock, ppm (positive: the device clock runs fast). */
  driftPpm: number;
  decodeErrors: { crc: number; cobs: number; oversize: number; malformed: number };
  streams: StreamStats[];
  /** A playback device: where it is in the session it replays. */
  playback?: PlaybackProgress;
  /** A Bluetooth LE device: its link (address, drivers, RSSI, battery, sensor contact, capture). */
  ble?: BleLinkStats;
}

export interface PlaybackProgress {
  sessionId: number;
  /** Times real time. */
  speed: number;
  /** Seconds of the session played so far, and its length. */
  position: number;
  duration: number;
}

export interface RecordingState {
  sessionId: number;
  name: string;
  participant: string;
  /** Host time the session started, seconds since the Unix epoch. */
  startedAt: number;
  /** Set while the recorder cannot write (disk full, I/O error); data stays queued and is retried. */
  error?: string;
  /** What waits to be written, and what was dropped: present while writes fail or once samples were dropped. */
  queue?: RecordingQueue;
}

/** The recorder's backlog while the database refuses writes, bounded by a byte budget. */
export interface RecordingQueue {
  /** Bytes of samples queued, all streams. */
  bytes: number;
  budgetBytes: number;
  /** Seconds until the budget is full at the queued streams' data rates; 0 once new samples are dropped. */
  secondsUntilFull: number | null;
  streams: QueuedStream[];
}

export interface QueuedStream {
  key: string;
  /** Seconds of samples queued. */
  seconds: number;
  bytes: number;
  /** Samples dropped in this session because the budget was full (or the stream was never described). */
  droppedSamples: number;
}

export type Quality = 'good' | 'fair' | 'poor';

/** One live figure of the analysis (a tile in the UI), from one source stream. */
export interface Numeric {
  /** The stream it was computed from. */
  key: string;
  name: 'hr' | 'spo2' | 'pi' | 'rmssd' | 'cadence' | 'steps';
  label: string;
  /** null while there is not enough data. */
  value: number | null;
  unit: string;
  /** Signal quality behind the value; null where quality does not apply. Poor values are not to be trusted. */
  quality: Quality | null;
  /** Share (0-1) of the value's window that was lost to dropped packets, where it has a window. */
  missing?: number;
  /** A heart rate carried by the tracker (no confident spectral peak in its window), not measured. */
  coasting?: boolean;
  /** Set while the signal behind it is judged unusable (ECG: noise, not this patient's beats): why. Its quality is then 'poor'. */
  unusable?: string;
}

/** A raw stream of an analysable kind that no pipeline can take, and why. */
export interface UnsupportedStream {
  key: string;
  reason: string;
}

export interface AnalysisState {
  /** The analysis worker's last error, when it crashed (it is restarted). */
  error?: string;
  restarts: number;
  numerics: Numeric[];
  /** Raw streams of an analysable kind (ECG, PPG, IMU) that are not analysed, e.g. "ECG at 40 Hz is below 100 Hz". */
  unsupported?: UnsupportedStream[];
  /** Set when the worker crashed too often and is no longer restarted: why. */
  stopped?: string;
  /** ONNX models attached to live streams. */
  models?: ModelState[];
}

/** An ONNX model and its manifest as loaded (see `inspectModel`). */
export interface ModelInfo {
  file: string;
  name: string;
  /** The manifest as parsed (JSON), for display. */
  manifest: unknown;
  /** `classes` outputs: the labels, one derived channel each; `regression`: the unit of its one channel. */
  labels?: string[];
  unit?: string;
  trigger: 'beats' | 'sliding';
}

/** A model in the model list: bundled with the app, or imported into the library's models folder. */
export interface ModelEntry {
  /** `bundled/<folder>` or `imported/<folder>`. */
  id: string;
  bundled: boolean;
  /** The `.onnx` file on the engine's machine: what inspectModel and attachModel take. */
  file: string;
  /** From its manifest (the folder's name when the manifest cannot be read). */
  name: string;
  version?: string;
  description?: string;
  trigger?: 'beats' | 'sliding';
  /** The stream kind its signal input takes. */
  kind?: StreamKind;
  labels?: string[];
  unit?: string;
  /** Set when its manifest cannot be read or is not valid: why. */
  error?: string;
}

/** A model attached to a live stream, running in the analysis worker. */
export interface ModelState extends ModelInfo {
  id: string;
  streamKey: string;
  /** The derived stream of its outputs (`<stream>.<model>`), while it runs. */
  outputKey?: string;
  /** Set when it threw: it was unloaded, and this says why. */
  error?: string;
  /** Windows run, and windows skipped: touching lost samples, or dropped because the model fell behind real time. */
  windows: number;
  skippedGap: number;
  skippedSlow: number;
  /** Windows waiting for the model now. */
  queue: number;
  /** Milliseconds per run (a run takes the windows queued, up to its batch size), over the recent runs. */
  latencyMs: { p50: number; p99: number } | null;
}

export interface EngineStatus {
  devices: DeviceStats[];
  streams: StreamInfo[];
  recording: RecordingState | null;
  /** The protocol the recording runs, if any (kept, `done`, while an open-ended recording goes on). */
  protocol?: ProtocolRunState | null;
  analysis: AnalysisState;
  /** The latest failure of a part listening to the live streams (recorder, analysis, live view), which the others survived. */
  listenerError?: string;
  /** Long work (exports, imports) running in worker threads, and the last ones that ended. */
  jobs: JobState[];
  /** The pre-flight check of the streams required before recording (setPreflight); absent when none is set. */
  preflight?: PreflightResult;
}

/** A part of a session to export: seconds from its start, [from, to); either end open when absent. */
export interface ExportRange {
  from?: number;
  to?: number;
}

/** What exportSession writes: CSV files, one EDF+ (16-bit) or BDF+ (24-bit) file, WFDB records (a folder), or a Hive-partitioned Parquet folder (each described in EXPORT_FORMATS). */
export type ExportFormat = 'csv' | 'edf' | 'bdf' | 'wfdb' | 'parquet';

/** An export asked for: its format, the part of the session (whole when absent) and the streams to include (their keys; all when absent). */
export interface ExportRequest {
  format: ExportFormat;
  range?: ExportRange;
  streams?: string[];
}

/** 'export-session-file': one session as its own SQLite library file; 'import-session-file': all sessions of such a file. */
export type JobKind = 'export-csv' | 'export-edf' | 'export-wfdb' | 'export-parquet' | 'reanalyze' | 'export-session-file' | 'import-session-file' | 'finish-session' | 'detect-beats' | 'evaluate' | 'infer-session' | 'dataset' | 'dataset-session';

/** An ML dataset to build from recorded sessions (`vitalscope dataset`); see src/main/jobs/dataset-build.ts. */
export interface DatasetRequest {
  /** The dataset folder (on the engine's machine). */
  out: string;
  /** Stream names (or keys), e.g. ['ecg']. */
  streams: string[];
  /** Window length, s; step between sliding windows, s (default: the window). */
  window: number;
  step?: number;
  /** Hz all streams are resampled to (default: each keeps its own rate). */
  rate?: number;
  /** Session ids; absent: every finished session. */
  sessions?: number[];
  participants?: string[];
  /** Label sources: 'label' (label events), 'beat' (beat class), 'marker', 'step' (protocol step); default all. */
  labels?: ('label' | 'beat' | 'marker' | 'step')[];
  /** Windows centred on the first stream's beats or on the markers instead of sliding. */
  around?: 'beats' | 'markers';
  /** Train, val, test shares (default 70, 15, 15). */
  split?: [number, number, number];
  seed?: number;
  /** Worker threads (default 2). */
  workers?: number;
  /** Also write .npy shards. */
  npy?: boolean;
  /** Replace an earlier dataset built with other arguments in `out`. */
  overwrite?: boolean;
}

/** Sessions, participants and windows of one split of a dataset (as its manifest counts them). */
export interface DatasetSplitCount {
  sessions: number;
  participants: number;
  windows: number;
}

/** What a job made. An export: `dir` and `files` (on the engine's machine). A re-analysis or a model run: `runId` and `name`. An import: the file read (`dir`, `files`) and the new `sessionIds`. A dataset: `dir`, `files` (the manifest first) and `splits`. */
export interface JobOutput {
  dir?: string;
  files?: string[];
  runId?: number;
  name?: string;
  sessionIds?: number[];
  splits?: Record<'train' | 'val' | 'test', DatasetSplitCount>;
}

export interface JobProgress {
  /** 0..1 of the whole job. */
  fraction: number;
  /** What it is working on now (an export: the stream being written). */
  stage: string;
  /** Work done and total, in samples per channel summed over streams. */
  samplesDone: number;
  samplesTotal: number;
  bytesWritten: number;
  /** Seconds left at the rate so far; null until there is a rate. */
  etaSeconds: number | null;
}

export interface JobState {
  id: number;
  kind: JobKind;
  /** For the UI: "CSV export of session 3". */
  title: string;
  /** The session the job works on; 0 for an import (its sessions get their ids as it runs). */
  sessionId: number;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  /** ms since the Unix epoch. */
  startedAt: number;
  endedAt: number | null;
  progress: JobProgress;
  /** When done: what it made (which fields, by kind: see JobOutput). */
  output?: JobOutput;
  /** When failed: what went wrong, naming the file or session. */
  error?: string;
}

export interface StreamSummary {
  name: string;
  kind: StreamKind;
  rate: number;
  channels: string[];
  /** Samples per channel. */
  samples: number;
  /** Present on streams the analysis derived: the key of the stream they come from. */
  derivedFrom?: string;
}

/**
 * 'recording': open, its owner process alive and flushing; 'complete': stopped normally;
 * 'recovered': left open by a crash and closed at its last committed sample when the library was next opened.
 */
export type SessionStatus = 'recording' | 'complete' | 'recovered';

export interface SessionSummary {
  id: number;
  status: SessionStatus;
  name: string;
  participant: string;
  /** The study it belongs to ('' for none). */
  study: string;
  /** ISO 8601. */
  startedAt: string;
  /** ISO 8601, or null while recording (or after a crash before the end was written). */
  endedAt: string | null;
  /** Seconds from start to end; null while there is no end. */
  durationSec: number | null;
  /** The user's tags, sorted. */
  tags: string[];
  /** Labels of the devices recorded. */
  devices: string[];
  streams: StreamSummary[];
}

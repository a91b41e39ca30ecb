/** Domain types shared by the engine, the faces and the renderer. No Node, no DOM. */

export type StreamKind = 'ecg' | 'ppg' | 'imu' | 'resp' | 'eda' | 'temp' | 'other';
export const STREAM_KINDS: readonly StreamKind[] = ['ecg', 'ppg', 'imu', 'resp', 'eda', 'temp', 'other'];

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
}

export type EventKind = 'gap' | 'marker' | 'device' | 'note';

export interface SessionEvent {
  kind: EventKind;
  /** Host time, seconds since the Unix epoch. */
  t: number;
  /** Seconds; 0 for an instant. */
  duration: number;
  text: string;
  /** The stream it concerns, if any. */
  key?: string;
}

export type TransportKind = 'sim' | 'serial' | 'ble';

/** A device the engine can connect to. */
export interface DeviceEntry {
  id: string;
  label: string;
  transport: TransportKind;
  connected: boolean;
  /** Extra detail for the picker (port path, USB ids). */
  detail?: string;
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

export interface DeviceStats {
  deviceId: string;
  label: string;
  transport: TransportKind;
  state: 'connecting' | 'streaming' | 'disconnected' | 'error';
  error?: string;
  /** The board's descriptor, as sent in HELLO. */
  descriptor?: { name: string; model?: string; firmware?: string; serial?: string };
  /** Host minus device clock at the latest fit, in ms (the device clock starts at an arbitrary origin). */
  clockOffsetMs: number;
  /** Device clock drift against the host clock, ppm (positive: the device clock runs fast). */
  driftPpm: number;
  decodeErrors: { crc: number; cobs: number; oversize: number; malformed: number };
  streams: StreamStats[];
}

export interface RecordingState {
  sessionId: number;
  name: string;
  participant: string;
  /** Host time the session started, seconds since the Unix epoch. */
  startedAt: number;
  /** Set while the recorder cannot write (disk full, I/O error); data stays queued and is retried. */
  error?: string;
}

export interface EngineStatus {
  devices: DeviceStats[];
  streams: StreamInfo[];
  recording: RecordingState | null;
}

export interface StreamSummary {
  name: string;
  kind: StreamKind;
  rate: number;
  channels: string[];
  /** Samples per channel. */
  samples: number;
}

export interface SessionSummary {
  id: number;
  name: string;
  participant: string;
  /** ISO 8601. */
  startedAt: string;
  /** ISO 8601, or null while recording (or after a crash before the end was written). */
  endedAt: string | null;
  streams: StreamSummary[];
}

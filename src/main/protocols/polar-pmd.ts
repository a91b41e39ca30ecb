/**
 * Polar Measurement Data (PMD), the Polar BLE SDK's raw-data service (H10 ECG and ACC, Verity
 * Sense PPG, PPI and ACC): control-point commands and responses, and data notifications decoded
 * into channel-major samples. Layouts from PROTOCOL_FACTS.md section 2 (Polar SDK
 * `online_measurement.pdf`, PmdDataFrame.kt, EcgData.kt, BlePMDClient.kt). Pure, no I/O; every
 * decode returns an error value on bad input instead of throwing.
 *
 * Use from a BLE driver: enable indications on PMD_CONTROL_POINT and notifications on PMD_DATA,
 * write `encodeGetSettings` / `encodeStart` / `encodeStop` one at a time and read each answer with
 * `decodeControlResponse`; feed every PMD_DATA notification to a `PmdStreamState` (one per
 * connection, `clear()` it on disconnect), whose `push` decodes the frame and gives its sample times.
 */

export const PMD_SERVICE = 'fb005c80-02e7-f387-1cad-8acd2d8df0c8';
export const PMD_CONTROL_POINT = 'fb005c81-02e7-f387-1cad-8acd2d8df0c8';
export const PMD_DATA = 'fb005c82-02e7-f387-1cad-8acd2d8df0c8';

/** Measurement types (PmdMeasurementType.kt); data[0] & 0x3f of a data frame. */
export const PmdType = {
  ECG: 0,
  PPG: 1,
  ACC: 2,
  PPI: 3,
  GYRO: 5,
  MAGNETOMETER: 6,
  SKIN_TEMP: 7,
  SDK_MODE: 9,
  LOCATION: 10,
  PRESSURE: 11,
  TEMPERATURE: 12,
  OFFLINE_RECORDING: 13,
  OFFLINE_HR: 14,
} as const;

export const PmdOp = { GET_SETTINGS: 1, START: 2, STOP: 3 } as const;

/** First byte of every control-point response. */
export const PMD_RESPONSE_CODE = 0xf0;

/** Control-point response status codes (PmdControlPointResponse.kt). */
export const PMD_STATUS_TEXT: readonly string[] = [
  'success',
  'invalid op code',
  'invalid measurement type',
  'not supported',
  'invalid length',
  'invalid parameter',
  'already in state',
  'invalid resolution',
  'invalid sample rate',
  'invalid range',
  'invalid MTU',
  'invalid number of channels',
  'invalid state',
  'device in charger',
];

/** Setting types of the TLV list, with the byte size of one value (PmdSetting.kt). */
const SETTING_BYTES: Record<number, number> = { 0: 2, 1: 2, 2: 2, 3: 4, 4: 1, 5: 4, 6: 16 };
const SETTING = { SAMPLE_RATE: 0, RESOLUTION: 1, RANGE: 2, RANGE_MILLIUNIT: 3, CHANNELS: 4, FACTOR: 5, SECURITY: 6 } as const;

/** The values a device offers for a measurement (get settings), or reports for a started one. */
export interface PmdSettings {
  sampleRate: number[];
  resolution: number[];
  range: number[];
  channels: number[];
  /** Conversion factor (float32) the device reports: compressed ACC/PPG values are multiplied by it. */
  factor?: number;
}

/** The choice sent with START: one value per setting; absent ones are left out of the request. */
export interface PmdStartSettings {
  sampleRate?: number;
  resolution?: number;
  range?: number;
  channels?: number;
}

/** `01 type`: asks which settings the device offers for a measurement type. */
export function encodeGetSettings(type: number): Uint8Array {
  return new Uint8Array([PmdOp.GET_SETTINGS, type & 0x3f]);
}

/**
 * `02 request settings...`: starts a measurement. request = (offline << 7) | type; each setting is
 * [settingType, 1, value LE] (uint16, channels uint8). H10 ECG at 130 Hz / 14 bit is
 * `02 00 00 01 82 00 01 01 0e 00`.
 */
export function encodeStart(type: number, settings: PmdStartSettings, offline = false): Uint8Array {
  const out = [PmdOp.START, ((offline ? 1 : 0) << 7) | (type & 0x3f)];
  const u16 = (setting: number, v: number) => out.push(setting, 1, v & 0xff, (v >> 8) & 0xff);
  if (settings.sampleRate !== undefined) u16(SETTING.SAMPLE_RATE, settings.sampleRate);
  if (settings.resolution !== undefined) u16(SETTING.RESOLUTION, settings.resolution);
  if (settings.range !== undefined) u16(SETTING.RANGE, settings.range);
  if (settings.channels !== undefined) out.push(SETTING.CHANNELS, 1, settings.channels & 0xff);
  return new Uint8Array(out);
}

/** `03 type`: stops a measurement. */
export function encodeStop(type: number): Uint8Array {
  return new Uint8Array([PmdOp.STOP, type & 0x3f]);
}

export interface PmdControlResponse {
  opCode: number;
  measurementType: number;
  status: number;
  /** The status as text ("success", "invalid sample rate", ...). */
  statusText: string;
  ok: boolean;
  /** More responses follow for this command (data[4] on success). */
  more: boolean;
  /** Raw parameter bytes after the status (and the more flag). */
  parameters: Uint8Array;
  /** Parameters read as settings TLVs (get settings answers, a start's reported factor). */
  settings?: PmdSettings;
}

export type PmdResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** Decodes a control-point indication `f0 op type status [more params...]`. */
export function decodeControlResponse(bytes: Uint8Array): PmdResult<PmdControlResponse> {
  if (bytes.length < 4) return { ok: false, error: `control-point response of ${bytes.length} bytes, expected at least 4` };
  if (bytes[0] !== PMD_RESPONSE_CODE) return { ok: false, error: `control-point response starts with 0x${hex(bytes[0])}, expected 0xf0` };
  const status = bytes[3];
  const ok = status === 0;
  const parameters = bytes.slice(ok ? 5 : 4);
  const response: PmdControlResponse = {
    opCode: bytes[1],
    measurementType: bytes[2],
    status,
    statusText: PMD_STATUS_TEXT[status] ?? `unknown status ${status}`,
    ok,
    more: ok && bytes.length > 4 && bytes[4] !== 0,
    parameters,
  };
  if (ok && parameters.length > 0) {
    const settings = decodeSettings(parameters);
    if (!settings.ok) return { ok: false, error: `control-point response (op ${response.opCode}): ${settings.error}` };
    response.settings = settings.value;
  }
  return { ok: true, value: response };
}

/** Settings TLVs: [type, count, count values of the type's size, LE]... */
export function decodeSettings(bytes: Uint8Array): PmdResult<PmdSettings> {
  const settings: PmdSettings = { sampleRate: [], resolution: [], range: [], channels: [] };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  while (at < bytes.length) {
    const type = bytes[at];
    const size = SETTING_BYTES[type];
    if (size === undefined) return { ok: false, error: `unknown setting type ${type} at byte ${at}` };
    if (at + 2 > bytes.length) return { ok: false, error: `setting type ${type} at byte ${at} has no count` };
    const count = bytes[at + 1];
    at += 2;
    if (at + count * size > bytes.length) return { ok: false, error: `setting type ${type} needs ${count * size} bytes at byte ${at}, ${bytes.length - at} left` };
    for (let k = 0; k < count; k++, at += size) {
      if (type === SETTING.FACTOR) settings.factor = view.getFloat32(at, true);
      // Milliunit ranges and security keys are skipped over: nothing here uses them.
      else if (type === SETTING.RANGE_MILLIUNIT || type === SETTING.SECURITY) continue;
      else {
        const v = size === 1 ? bytes[at] : view.getUint16(at, true);
        const key = type === SETTING.SAMPLE_RATE ? 'sampleRate' : type === SETTING.RESOLUTION ? 'resolution' : type === SETTING.CHANNELS ? 'channels' : 'range';
        settings[key].push(v);
      }
    }
  }
  return { ok: true, value: settings };
}

/** Seconds between the Unix epoch and PMD's (2000-01-01T00:00:00Z). */
export const PMD_EPOCH_UNIX_S = 946_684_800;
const DATA_HEADER = 10;
const DELTA_FLAG = 0x80;

export interface PmdChannel {
  label: string;
  unit: string;
}

export interface PmdFrame {
  measurementType: number;
  /** ecg, ppg, acc or ppi. */
  name: 'ecg' | 'ppg' | 'acc' | 'ppi';
  /** Nanoseconds since 2000-01-01T00:00:00Z of the frame's last sample, as sent. */
  timestampNs: bigint;
  /** The same in seconds since PMD's epoch (add PMD_EPOCH_UNIX_S for Unix time). */
  timestamp: number;
  /** Frame type without the compression bit. */
  frameType: number;
  compressed: boolean;
  n: number;
  channels: PmdChannel[];
  /** One array of n samples per channel. */
  data: Float64Array[];
}

export type PmdDecodeError = { ok: false; error: string; unsupported: boolean };

export interface PmdDecodeOptions {
  /** Per measurement type, the conversion factor of compressed frames (a start's response reports it); default 1. */
  factors?: Partial<Record<number, number>>;
}

const ch = (label: string, unit: string): PmdChannel => ({ label, unit });
const ACC_CHANNELS = [ch('x', 'mG'), ch('y', 'mG'), ch('z', 'mG')];
const PPG_CHANNELS = [ch('ppg0', ''), ch('ppg1', ''), ch('ppg2', ''), ch('ambient', '')];
const PPI_CHANNELS = [ch('hr', 'bpm'), ch('ppi', 'ms'), ch('error', 'ms'), ch('flags', '')];

/**
 * Layouts we decode, by measurement type and frame type (raw) or frame type | 0x80 (delta
 * compressed): channels, bytes per value of a raw sample, and for compressed ones the resolution.
 */
const LAYOUTS: Record<number, Record<number, { channels: PmdChannel[]; bytes?: number; resolution?: number }>> = {
  [PmdType.ECG]: { 0: { channels: [ch('ecg', 'µV')], bytes: 3 } },
  [PmdType.PPG]: { 0: { channels: PPG_CHANNELS, bytes: 3 }, [DELTA_FLAG | 0]: { channels: PPG_CHANNELS, resolution: 22 } },
  [PmdType.ACC]: {
    0: { channels: ACC_CHANNELS, bytes: 1 },
    1: { channels: ACC_CHANNELS, bytes: 2 },
    2: { channels: ACC_CHANNELS, bytes: 3 },
    [DELTA_FLAG | 0]: { channels: ACC_CHANNELS, resolution: 16 },
  },
};
const NAMES: Record<number, PmdFrame['name']> = { [PmdType.ECG]: 'ecg', [PmdType.PPG]: 'ppg', [PmdType.ACC]: 'acc', [PmdType.PPI]: 'ppi' };

/** Decodes one PMD data notification. Never throws: truncated or unknown frames are error values. */
export function decodePmdData(bytes: Uint8Array, options: PmdDecodeOptions = {}): { ok: true; frame: PmdFrame } | PmdDecodeError {
  const fail = (error: string, unsupported = false): PmdDecodeError => ({ ok: false, error, unsupported });
  if (bytes.length < DATA_HEADER) return fail(`PMD data frame of ${bytes.length} bytes, shorter than its 10-byte header`);
  const type = bytes[0] & 0x3f;
  const name = NAMES[type];
  if (!name) return fail(`PMD measurement type ${type} is not supported`, true);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const timestampNs = view.getBigUint64(1, true);
  const rawFrameType = bytes[9];
  const compressed = (rawFrameType & DELTA_FLAG) !== 0;
  const frameType = rawFrameType & 0x7f;
  const body = bytes.subarray(DATA_HEADER);
  const where = `${name} frame type ${frameType}${compressed ? ' (delta)' : ''}`;
  let decoded: { channels: PmdChannel[]; data: Float64Array[] } | string;
  if (type === PmdType.PPI) {
    if (rawFrameType !== 0) return fail(`${where} is not supported`, true);
    decoded = decodePpi(body);
  } else {
    const layout = LAYOUTS[type][rawFrameType];
    if (!layout) return fail(`${where} is not supported`, true);
    decoded = layout.bytes
      ? decodeRaw(body, layout.channels.length, layout.bytes, layout.channels)
      : decodeDelta(body, layout.channels.length, layout.resolution!, layout.channels, options.factors?.[type] ?? 1);
  }
  if (typeof decoded === 'string') return fail(`${where}: ${decoded}`);
  return {
    ok: true,
    frame: { measurementType: type, name, timestampNs, timestamp: nsToSeconds(timestampNs), frameType, compressed, n: decoded.data[0].length, ...decoded },
  };
}

/** Nanoseconds (bigint) to seconds; a double holds a date this century to ~0.1 µs, so spacings are taken on the bigints first. */
export function nsToSeconds(ns: bigint): number {
  return Number(ns / 1_000_000_000n) + Number(ns % 1_000_000_000n) / 1e9;
}

/** Signed little-endian integer of `size` bytes at `at`. */
function signedLe(bytes: Uint8Array, at: number, size: number): number {
  let v = 0;
  for (let b = size - 1; b >= 0; b--) v = v * 256 + bytes[at + b];
  const top = 2 ** (8 * size);
  return v >= top / 2 ? v - top : v;
}

/** Consecutive samples of `channels` signed LE values of `size` bytes each. */
function decodeRaw(body: Uint8Array, channels: number, size: number, info: PmdChannel[]): { channels: PmdChannel[]; data: Float64Array[] } | string {
  const stride = channels * size;
  if (body.length === 0 || body.length % stride !== 0) return `${body.length} sample bytes, not a whole number of ${stride}-byte samples`;
  const n = body.length / stride;
  const data = info.map(() => new Float64Array(n));
  for (let i = 0; i < n; i++) for (let c = 0; c < channels; c++) data[c][i] = signedLe(body, i * stride + c * size, size);
  return { channels: info, data };
}

/**
 * Delta-compressed samples (PDF sec. 4.3.2-4.3.3, BlePMDClient.parseDeltaFramesAll): a reference
 * sample of `channels` signed LE values of ceil(resolution / 8) bytes, then blocks of
 * [bit width, sample count, count x channels signed deltas packed LSB first, padded to a byte].
 * Each sample is the previous one plus its deltas; values are multiplied by `factor`.
 */
export function decodeDelta(body: Uint8Array, channels: number, resolution: number, info: PmdChannel[], factor = 1): { channels: PmdChannel[]; data: Float64Array[] } | string {
  const refBytes = Math.ceil(resolution / 8);
  if (body.length < channels * refBytes) return `${body.length} bytes, shorter than the ${channels * refBytes}-byte reference sample`;
  const samples: number[][] = [];
  let last = Array.from({ length: channels }, (_, c) => signedLe(body, c * refBytes, refBytes));
  samples.push(last);
  let at = channels * refBytes;
  while (at < body.length) {
    if (at + 2 > body.length) return `delta block header cut off at byte ${at}`;
    const width = body[at];
    const count = body[at + 1];
    at += 2;
    if (width === 0 || width > 32) return `delta bit width ${width} at byte ${at - 2}`;
    const bytes = Math.ceil((width * count * channels) / 8);
    if (at + bytes > body.length) return `delta block at byte ${at - 2} needs ${bytes} bytes, ${body.length - at} left`;
    let bit = at * 8;
    for (let k = 0; k < count; k++) {
      const next = last.slice();
      for (let c = 0; c < channels; c++, bit += width) next[c] += readSignedBits(body, bit, width);
      samples.push(next);
      last = next;
    }
    at += bytes;
  }
  const data = info.map((_, c) => Float64Array.from(samples, (s) => s[c] * factor));
  return { channels: info, data };
}

/** `width` bits from bit offset `bit` (LSB first within each byte), as a signed two's-complement number. */
function readSignedBits(bytes: Uint8Array, bit: number, width: number): number {
  let v = 0;
  for (let k = 0; k < width; k++) {
    const b = bit + k;
    if ((bytes[b >> 3] >> (b & 7)) & 1) v += 2 ** k;
  }
  return v >= 2 ** (width - 1) ? v - 2 ** width : v;
}

/** PPI frame type 0: per beat HR (u8, bpm), PP interval (u16, ms), its error estimate (u16, ms), flags (u8). */
function decodePpi(body: Uint8Array): { channels: PmdChannel[]; data: Float64Array[] } | string {
  if (body.length === 0 || body.length % 6 !== 0) return `${body.length} sample bytes, not a whole number of 6-byte beats`;
  const n = body.length / 6;
  const data = PPI_CHANNELS.map(() => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const at = i * 6;
    data[0][i] = body[at];
    data[1][i] = body[at + 1] | (body[at + 2] << 8);
    data[2][i] = body[at + 3] | (body[at + 4] << 8);
    // Flags (PpiData.kt): bit 0 blocker (movement), bit 1 skin contact, bit 2 skin contact supported.
    data[3][i] = body[at + 5];
  }
  return { channels: PPI_CHANNELS, data };
}

/** A decoded frame with its samples' device times (seconds since PMD's epoch). */
export interface TimedPmdFrame extends PmdFrame {
  /** Time of sample 0 and the spacing; sample i is at t0 + i * dt, the last at `timestamp`. */
  t0: number;
  dt: number;
}

/** Frames of the recent past the measured rate averages over. */
const RATE_FRAMES = 32;

/**
 * Per-measurement-type timing state of one connection: the previous frame's timestamp gives this
 * frame's sample spacing (its last sample sits at its timestamp), and the recent frames give the
 * measured rate, since devices do not always keep their nominal rate. The first frame (and one
 * whose timestamp does not advance) is spaced at the nominal rate. Clear it on disconnect.
 * PPI beats are irregular: t0/dt of a PPI frame are derived from the intervals, see `ppiTimes`.
 */
export class PmdStreamState {
  /** Frames that failed to decode, and the part of them of unsupported types. */
  errors = 0;
  unsupported = 0;
  lastError: string | undefined;
  private readonly previous = new Map<number, bigint>();
  private readonly history = new Map<number, { ns: bigint; n: number }[]>();

  constructor(private readonly options: PmdDecodeOptions = {}) {}

  /** Decodes a PMD_DATA notification and times it; null (counted, `lastError` says why) when it does not decode. */
  push(bytes: Uint8Array, nominalRate: number): TimedPmdFrame | null {
    const decoded = decodePmdData(bytes, this.options);
    if (!decoded.ok) {
      this.errors++;
      if (decoded.unsupported) this.unsupported++;
      this.lastError = decoded.error;
      return null;
    }
    return this.time(decoded.frame, nominalRate);
  }

  /** Sample times of a decoded frame from the previous timestamp of its type. */
  time(frame: PmdFrame, nominalRate: number): TimedPmdFrame {
    const type = frame.measurementType;
    const prev = this.previous.get(type);
    this.previous.set(type, frame.timestampNs);
    const history = this.history.get(type) ?? [];
    history.push({ ns: frame.timestampNs, n: frame.n });
    if (history.length > RATE_FRAMES) history.shift();
    this.history.set(type, history);
    let dt = nominalRate > 0 ? 1 / nominalRate : 0;
    if (prev !== undefined && frame.timestampNs > prev && frame.n > 0) dt = nsToSeconds(frame.timestampNs - prev) / frame.n;
    return { ...frame, t0: frame.timestamp - (frame.n - 1) * dt, dt };
  }

  /** Samples per second of device time over the recent frames of a type; 0 before two frames. */
  measuredRate(type: number): number {
    const h = this.history.get(type);
    if (!h || h.length < 2) return 0;
    const span = nsToSeconds(h[h.length - 1].ns - h[0].ns);
    if (span <= 0) return 0;
    let samples = 0;
    for (let i = 1; i < h.length; i++) samples += h[i].n;
    return samples / span;
  }

  /** Forgets every type's timestamps (the device disconnected; its clock may restart). */
  clear(): void {
    this.previous.clear();
    this.history.clear();
  }
}

/** Device times (s since PMD's epoch) of a PPI frame's beats: the last at the timestamp, each earlier one an interval before the next. */
export function ppiTimes(frame: PmdFrame): Float64Array {
  const times = new Float64Array(frame.n);
  const intervals = frame.data[1];
  let t = frame.timestamp;
  for (let i = frame.n - 1; i >= 0; i--) {
    times[i] = t;
    t -= intervals[i] / 1000;
  }
  return times;
}

function hex(b: number): string {
  return b.toString(16).padStart(2, '0');
}

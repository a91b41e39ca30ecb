import { z } from 'zod';
import { STREAM_KINDS } from '../../../shared/types';

/** Packet type bytes (PROTOCOL.md). */
export const PacketType = {
  HELLO: 0x01,
  DATA: 0x02,
  EVENT: 0x03,
  SYNC_REPLY: 0x04,
  START: 0x10,
  STOP: 0x11,
  SYNC_REQUEST: 0x12,
  DESCRIBE: 0x13,
} as const;

export const MAX_PACKET = 2048;
export const DATA_HEADER_BYTES = 8;

export const SAMPLE_FORMATS = ['i16', 'i24', 'i32', 'f32'] as const;
export type SampleFormat = (typeof SAMPLE_FORMATS)[number];
export const FORMAT_BYTES: Record<SampleFormat, number> = { i16: 2, i24: 3, i32: 4, f32: 4 };

/** The HELLO version byte this host understands (PROTOCOL.md). */
export const HELLO_VERSION = 1;
/** Highest sample rate accepted: above it a board is misconfigured, and buffers sized by rate would explode. */
export const MAX_RATE_HZ = 100_000;
export const MAX_CHANNELS = 256;
export const MAX_STREAMS = 256;
/** Longest label, unit, name or device string: they are shown in the UI and stored per session. */
export const MAX_TEXT = 64;

const text = (max = MAX_TEXT) => z.string().max(max, { error: (iss) => `"${String(iss.input).slice(0, 20)}..." is longer than ${max} characters` });

const channelSchema = z.looseObject({
  label: text().min(1, { error: 'must not be empty' }),
  unit: text().default(''),
  scale: z.number().finite().default(1),
  offset: z.number().finite().default(0),
});

const streamSchema = z.looseObject({
  id: z.number().int().min(0).max(255),
  // The name becomes the stream's key `<device>/<name>`: a slash would make another key's path.
  name: text()
    .min(1, { error: 'must not be empty' })
    .refine((n) => !n.includes('/'), { error: (iss) => `"${String(iss.input)}" contains "/"` }),
  // A kind this version does not know is kept as 'other' rather than rejecting the board.
  kind: z.enum(STREAM_KINDS as [string, ...string[]]).catch('other'),
  rate: z
    .number()
    .refine((r) => Number.isFinite(r) && r > 0, { error: (iss) => `${String(iss.input)} Hz is not a positive rate` })
    .refine((r) => r <= MAX_RATE_HZ, { error: (iss) => `${String(iss.input)} Hz is above ${MAX_RATE_HZ} Hz`, abort: true }),
  format: z.enum(SAMPLE_FORMATS),
  channels: z
    .array(channelSchema)
    .min(1, { error: 'a stream needs at least one channel' })
    .max(MAX_CHANNELS, { error: (iss) => `${(iss.input as unknown[]).length} channels, at most ${MAX_CHANNELS}` }),
});

export const descriptorSchema = z.looseObject({
  device: z.looseObject({
    name: text(128).min(1, { error: 'must not be empty' }),
    model: text(128).optional(),
    firmware: text(128).optional(),
    serial: text(128).optional(),
  }),
  streams: z
    .array(streamSchema)
    .max(MAX_STREAMS)
    .superRefine((streams, ctx) => {
      // Two streams with one id or one name would merge into one recorded stream with clashing indices.
      for (const field of ['id', 'name'] as const) {
        const first = new Map<unknown, number>();
        streams.forEach((s, i) => {
          const at = first.get(s[field]);
          if (at === undefined) first.set(s[field], i);
          else ctx.addIssue({ code: 'custom', path: [i, field], message: `${JSON.stringify(s[field])} is also streams[${at}].${field}` });
        });
      }
    }),
});

/** "streams[1].rate" from zod's ['streams', 1, 'rate']. */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('') || 'descriptor';
}

/**
 * Checks a HELLO's version byte and descriptor JSON. Returns the descriptor, or a message naming
 * the field that is wrong, e.g. `HELLO streams[1].rate: 100000000 Hz is above 100000 Hz`.
 */
export function parseHello(version: number, json: string): { descriptor: DeviceDescriptor } | { error: string } {
  if (version !== HELLO_VERSION) return { error: `HELLO version ${version} is not understood (this host reads version ${HELLO_VERSION})` };
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return { error: `HELLO descriptor is not JSON: ${(error as Error).message}` };
  }
  const parsed = descriptorSchema.safeParse(value);
  if (parsed.success) return { descriptor: parsed.data };
  const issue = parsed.error.issues[0];
  return { error: `HELLO ${fieldPath(issue.path)}: ${issue.message}` };
}

export type DeviceDescriptor = z.infer<typeof descriptorSchema>;
export type StreamDescriptor = DeviceDescriptor['streams'][number];
export type ChannelDescriptor = StreamDescriptor['channels'][number];

export type VbpPacket =
  | { type: 'hello'; version: number; descriptor: DeviceDescriptor }
  /** A HELLO that passed CRC but whose version or descriptor is not acceptable: `error` names the field. */
  | { type: 'badHello'; error: string }
  | { type: 'data'; streamId: number; seq: number; tDev: number; n: number; samples: Uint8Array }
  | { type: 'event'; tDev: number; code: number; text: string }
  | { type: 'syncReply'; nonce: number; tDev: number }
  | { type: 'start' | 'stop' | 'describe' }
  | { type: 'syncRequest'; nonce: number };

/**
 * Converts a DATA packet's interleaved raw samples to physical values, channel-major.
 * i32 goes to Float64Array so 32-bit counts survive exactly; the rest fit a Float32Array.
 * Returns null when the byte count does not match n samples of the stream.
 */
export function decodeSamples(stream: StreamDescriptor, n: number, bytes: Uint8Array): Float32Array | Float64Array | null {
  const channels = stream.channels.length;
  const width = FORMAT_BYTES[stream.format];
  if (bytes.length !== n * channels * width) return null;
  const out = stream.format === 'i32' ? new Float64Array(n * channels) : new Float32Array(n * channels);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < channels; c++, at += width) {
      let raw: number;
      switch (stream.format) {
        case 'i16':
          raw = view.getInt16(at, true);
          break;
        case 'i24':
          raw = (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16)) << 8 >> 8;
          break;
        case 'i32':
          raw = view.getInt32(at, true);
          break;
        case 'f32':
          raw = view.getFloat32(at, true);
          break;
      }
      const ch = stream.channels[c];
      out[c * n + i] = raw * ch.scale + ch.offset;
    }
  }
  return out;
}

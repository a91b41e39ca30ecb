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

const channelSchema = z.looseObject({
  label: z.string().min(1),
  unit: z.string().default(''),
  scale: z.number().finite().default(1),
  offset: z.number().finite().default(0),
});

const streamSchema = z.looseObject({
  id: z.number().int().min(0).max(255),
  name: z.string().min(1),
  // A kind this version does not know is kept as 'other' rather than rejecting the board.
  kind: z.enum(STREAM_KINDS as [string, ...string[]]).catch('other'),
  rate: z.number().finite().min(0),
  format: z.enum(SAMPLE_FORMATS),
  channels: z.array(channelSchema).min(1).max(64),
});

export const descriptorSchema = z.looseObject({
  device: z.looseObject({
    name: z.string().min(1),
    model: z.string().optional(),
    firmware: z.string().optional(),
    serial: z.string().optional(),
  }),
  streams: z.array(streamSchema).max(256),
});

export type DeviceDescriptor = z.infer<typeof descriptorSchema>;
export type StreamDescriptor = DeviceDescriptor['streams'][number];
export type ChannelDescriptor = StreamDescriptor['channels'][number];

export type VbpPacket =
  | { type: 'hello'; version: number; descriptor: DeviceDescriptor }
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

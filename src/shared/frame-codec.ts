import type { LiveFrame, LiveStreamBlock } from './api';

/**
 * Binary form of a LiveFrame for transports that carry bytes (the WebSocket face):
 * u32 header length | UTF-8 JSON header | zero padding to 4 bytes | Float32 samples of every
 * block, in header order. Avoids JSON-encoding thousands of floats 60 times a second.
 */
interface FrameHeader {
  sentAt: number;
  blocks: Omit<LiveStreamBlock, 'data'>[];
  marks: LiveFrame['marks'];
}

export function encodeFrame(frame: LiveFrame): Uint8Array {
  const header: FrameHeader = {
    sentAt: frame.sentAt,
    blocks: frame.blocks.map(({ key, t0, dt, n, channels, arrivedAt }) => ({ key, t0, dt, n, channels, arrivedAt })),
    marks: frame.marks,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = align4(4 + json.length);
  const floats = frame.blocks.reduce((sum, b) => sum + b.data.length, 0);
  const out = new Uint8Array(dataStart + floats * 4);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 4);
  const samples = new Float32Array(out.buffer, dataStart, floats);
  let at = 0;
  for (const b of frame.blocks) {
    samples.set(b.data, at);
    at += b.data.length;
  }
  return out;
}

export function decodeFrame(bytes: Uint8Array): LiveFrame {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLength = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + jsonLength))) as FrameHeader;
  // Copy so the Float32Array view is aligned whatever the byteOffset of the incoming buffer.
  const dataStart = align4(4 + jsonLength);
  const payload = bytes.slice(dataStart);
  const samples = new Float32Array(payload.buffer, 0, payload.byteLength / 4);
  let at = 0;
  const blocks = header.blocks.map((b) => {
    const length = b.n * b.channels;
    const data = samples.subarray(at, at + length);
    at += length;
    return { ...b, data };
  });
  return { sentAt: header.sentAt, blocks, marks: header.marks };
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

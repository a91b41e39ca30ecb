// The reference firmware encoder (resources/firmware) compiled with the host's gcc: it must emit
// the PROTOCOL.md test vectors byte for byte, and its output must decode in the app's decoder.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamBus } from '../../src/main/acquisition/stream-bus';
import { VbpDevice } from '../../src/main/acquisition/vbp-device';
import { VbpDecoder, decodeSamples, encodeCommand, encodeSyncRequest, PacketType } from '../../src/main/protocols/vbp';
import type { Chunk } from '../../src/shared/types';
import { findTool } from '../helpers/system-tool';
import { tempDir } from '../helpers/temp-dir';

const gcc = findTool('gcc', { envVar: 'CC', install: 'apt-get install gcc (macOS: xcode-select --install)' });
const firmware = join(__dirname, '../../resources/firmware');

// PROTOCOL.md, "Test vectors".
const VECTORS = [
  'e501017b22646576696365223a7b226e616d65223a22566563746f7220626f617264222c226d6f64656c223a2256422d31222c226669726d77617265223a22312e302e30222c2273657269616c223a2230303031227d2c2273747265616d73223a5b7b226964223a302c226e616d65223a22656367222c226b696e64223a22656367222c2272617465223a3235302c22666f726d6174223a22693136222c226368616e6e656c73223a5b7b226c6162656c223a224c6561642049222c22756e6974223a227556222c227363616c65223a312e302c226f6666736574223a307d5d7d5d7d1f6c00',
  '020202070440420f020401020103ffff040158d900',
  '050360e316020109627574746f6ef51b00',
];

describe.skipIf(!gcc)('reference firmware encoder (C, host gcc)', () => {
  const dir = tempDir('firmware');
  const exe = join(dir.path, 'vbp_host_test');
  beforeAll(() => {
    execFileSync(gcc!, ['-std=c99', '-O2', '-Wall', '-Wextra', '-Werror', '-pedantic', '-o', exe, join(firmware, 'test/vbp_host_test.c'), join(firmware, 'vbp.c')], {
      stdio: 'pipe',
    });
  });
  afterAll(() => dir.cleanup());

  it('emits the PROTOCOL.md test vectors byte for byte and refuses a too-small buffer', () => {
    const lines = execFileSync(exe, ['vectors'], { encoding: 'utf8' }).trim().split('\n');
    expect(lines.slice(0, 3)).toEqual(VECTORS);
    expect(lines[3]).toBe('small-buffer-refused');
  });

  it('produces a stream the app decodes: values, sequence, the 32-bit clock wrap, events and sync replies', () => {
    const packets = 200;
    const bytes = new Uint8Array(execFileSync(exe, ['stream', String(packets)]));
    const decoder = new VbpDecoder();
    const all = decoder.push(bytes);
    expect(decoder.errors).toEqual({ crc: 0, cobs: 0, oversize: 0, malformed: 0 });
    expect(all[0].type).toBe('hello');
    const hello = all[0] as Extract<(typeof all)[0], { type: 'hello' }>;
    expect(hello.descriptor.streams.map((s) => s.format)).toEqual(['i24', 'f32']);
    const data = all.filter((p) => p.type === 'data');
    expect(data).toHaveLength(2 * packets);
    expect(all.at(-2)).toMatchObject({ type: 'event', code: 2, text: 'battery 80%' });
    expect(all.at(-1)).toMatchObject({ type: 'syncReply', nonce: 42 });

    // Through the device: sample values, indices and host times across the wrap.
    const bus = new StreamBus();
    const chunks: Chunk[] = [];
    bus.subscribe({ chunk: (c) => chunks.push(c) });
    const device = new VbpDevice({ id: 'fw', label: 'C encoder', transport: 'serial', pipe: { write: () => undefined }, bus, now: () => 0 });
    let t = 1000;
    // Deliver packet by packet, 20 ms apart, as a board would.
    let at = 0;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] !== 0) continue;
      device.receive(bytes.subarray(at, i + 1), t);
      at = i + 1;
      t += 0.01;
    }
    const ecg = chunks.filter((c) => c.key === 'fw/ecg');
    expect(ecg.reduce((s, c) => s + c.n, 0)).toBe(packets * 10);
    for (const c of ecg) for (let i = 0; i < c.n; i++) expect(c.data[i]).toBe((((c.index + i) % 2000) - 1000) * 0.5);
    const temp = chunks.filter((c) => c.key === 'fw/temp');
    expect(temp.map((c) => c.data[0])).toEqual(Array.from({ length: packets }, (_, i) => 30 + 0.25 * i));
    expect(temp.every((c) => c.data[1] === -5.5)).toBe(true);
    // 200 packets of 20 ms with the device clock wrapping after 0.2 s: 4 s of smooth timeline.
    expect(ecg.at(-1)!.t0 - ecg[0].t0).toBeCloseTo((packets - 1) * 0.02, 2);
    expect(device.stats().streams.every((s) => s.packetsLost === 0)).toBe(true);
    expect(decodeSamples(hello.descriptor.streams[0], 0, new Uint8Array(0))).toEqual(new Float32Array(0));
  });

  it('parses host commands with its receiver and drops garbage', () => {
    const parts = [
      encodeCommand(PacketType.START),
      new Uint8Array([0x42, 0x99, 0x13, 0x00]), // garbage frame
      encodeSyncRequest(0xdeadbeef),
      encodeCommand(PacketType.DESCRIBE),
      encodeCommand(PacketType.STOP),
    ];
    const hex = parts.map((p) => Buffer.from(p).toString('hex')).join('');
    const out = execFileSync(exe, ['rx', hex], { encoding: 'utf8' }).trim().split('\n');
    expect(out).toEqual(['start', `sync ${0xdeadbeef}`, 'describe', 'stop', 'errors 1']);
  });
});

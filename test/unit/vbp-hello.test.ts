import { describe, expect, it } from 'vitest';
import { VbpDevice } from '../../src/main/acquisition/vbp-device';
import { StreamBus } from '../../src/main/acquisition/stream-bus';
import { encodeData, encodeHello, encodePacket, PacketType, parseHello, type DeviceDescriptor } from '../../src/main/protocols/vbp';
import type { Chunk, StreamInfo } from '../../src/shared/types';

const ecg = { id: 0, name: 'ecg', kind: 'ecg', rate: 250, format: 'i16', channels: [{ label: 'I', unit: 'uV', scale: 1, offset: 0 }] } as const;
const ppg = { id: 1, name: 'ppg', kind: 'ppg', rate: 100, format: 'i16', channels: [{ label: 'red', unit: '', scale: 1, offset: 0 }] } as const;
const valid = { device: { name: 'board' }, streams: [ecg, ppg] } as unknown as DeviceDescriptor;
const withStreams = (...streams: object[]) => ({ device: { name: 'board' }, streams }) as unknown as DeviceDescriptor;

function rig() {
  const bus = new StreamBus();
  const published: StreamInfo[][] = [];
  const chunks: Chunk[] = [];
  bus.subscribe({ streams: (s) => published.push(s), chunk: (c) => chunks.push(c) });
  const device = new VbpDevice({ id: 'b', label: 'Board', transport: 'serial', pipe: { write: () => undefined }, bus, now: () => 0 });
  return { bus, device, published, chunks };
}

describe('VBP device: HELLO validation', () => {
  const rejected: [string, DeviceDescriptor, string][] = [
    ['a rate above 100 kHz', withStreams(ecg, { ...ppg, rate: 1e8 }), 'HELLO streams[1].rate: 100000000 Hz is above 100000 Hz'],
    ['a zero rate', withStreams({ ...ecg, rate: 0 }), 'HELLO streams[0].rate: 0 Hz is not a positive rate'],
    ['two streams named alike', withStreams(ecg, { ...ppg, name: 'ecg' }), 'HELLO streams[1].name: "ecg" is also streams[0].name'],
    ['two streams with one id', withStreams(ecg, { ...ppg, id: 0 }), 'HELLO streams[1].id: 0 is also streams[0].id'],
    ['no channels', withStreams({ ...ecg, channels: [] }), 'HELLO streams[0].channels: a stream needs at least one channel'],
    ['a 100-character label', withStreams({ ...ecg, channels: [{ label: 'x'.repeat(100) }] }), 'HELLO streams[0].channels[0].label: "xxxxxxxxxxxxxxxxxxxx..." is longer than 64 characters'],
    ['a slash in a name', withStreams({ ...ecg, name: 'a/b' }), 'HELLO streams[0].name: "a/b" contains "/"'],
  ];

  it.each(rejected)('rejects %s with a device error naming the field, publishing no streams', (_, descriptor, message) => {
    const { device, published } = rig();
    const json = new TextEncoder().encode(JSON.stringify(descriptor));
    device.receive(encodePacket(PacketType.HELLO, Uint8Array.of(1, ...json)), 0);
    expect(device.stats().error).toBe(message);
    expect(device.stats().state).toBe('error');
    expect(device.stats().streams).toEqual([]);
    expect(published).toEqual([]);
    expect(device.stats().decodeErrors.malformed).toBe(1);
  });

  it('bounds the channel count even where a packet could hold more (the check is not the frame size)', () => {
    const channels = Array.from({ length: 257 }, () => ({ label: 'c' }));
    expect(parseHello(1, JSON.stringify(withStreams({ ...ecg, channels })))).toEqual({ error: 'HELLO streams[0].channels: 257 channels, at most 256' });
  });

  it('rejects an unknown version byte', () => {
    const { device, published } = rig();
    device.receive(encodeHello(valid, 2), 0);
    expect(device.stats().error).toBe('HELLO version 2 is not understood (this host reads version 1)');
    expect(published).toEqual([]);
  });

  it('holds DATA after a rejected HELLO and plays it through the next valid one', () => {
    const { device, published, chunks } = rig();
    device.receive(encodeHello(withStreams(ecg, { ...ppg, name: 'ecg' })), 0);
    device.receive(encodeData(0, 0, 0, 'i16', 1, [1, 2, 3, 4]), 0.1);
    expect(chunks).toEqual([]);
    device.receive(encodeHello(valid), 0.2);
    expect(device.stats().error).toBeUndefined();
    expect(device.stats().state).toBe('streaming');
    expect(published.at(-1)!.map((s) => s.key)).toEqual(['b/ecg', 'b/ppg']);
    expect(chunks.map((c) => [c.key, c.n])).toEqual([['b/ecg', 4]]);
  });

  it('a rejected HELLO after a valid one withdraws the old streams', () => {
    const { device, published, chunks } = rig();
    device.receive(encodeHello(valid), 0);
    device.receive(encodeHello(withStreams({ ...ecg, rate: -5 })), 1);
    expect(published.map((p) => p.length)).toEqual([2, 0]);
    device.receive(encodeData(0, 0, 0, 'i16', 1, [1]), 1.1);
    expect(chunks).toEqual([]);
    expect(device.stats().error).toBe('HELLO streams[0].rate: -5 Hz is not a positive rate');
  });
});

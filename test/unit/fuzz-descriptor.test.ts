/**
 * Random and mutated HELLO descriptors through a VbpDevice on a real bus: never a throw, a rejected
 * descriptor's error names the field, and streams come only from descriptors that hold up.
 */
import { describe, expect, it } from 'vitest';
import { StreamBus } from '../../src/main/acquisition/stream-bus';
import { VbpDevice } from '../../src/main/acquisition/vbp-device';
import { Prng } from '../../src/main/devices/simulator/signals/prng';
import { MAX_CHANNELS, MAX_PACKET, MAX_RATE_HZ, PacketType, encodePacket } from '../../src/main/protocols/vbp';
import type { StreamInfo } from '../../src/shared/types';

const VALID = {
  device: { name: 'Board', model: 'VB-1', firmware: '1.0', serial: '7' },
  streams: [
    { id: 0, name: 'ecg', kind: 'ecg', rate: 250, format: 'i16', channels: [{ label: 'I', unit: 'uV', scale: 1, offset: 0 }] },
    { id: 1, name: 'ppg', kind: 'ppg', rate: 100, format: 'i24', channels: [{ label: 'red' }, { label: 'ir' }] },
    { id: 2, name: 'imu', kind: 'imu', rate: 50, format: 'f32', channels: [{ label: 'x' }, { label: 'y' }, { label: 'z' }] },
  ],
};

/** The shape of every rejection: the version, not-JSON/UTF-8, or "HELLO <field path>: <what>". */
const ERROR_SHAPE = /^HELLO (version \d+ is not understood|descriptor is not (JSON|UTF-8)|(descriptor|device|streams)(\[\d+\]|\.\w+)*: .+)/;

function values(random: Prng) {
  const int = (n: number) => Math.floor(random.next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const scalar = (): unknown =>
    pick([
      () => null,
      () => true,
      () => pick([0, -1, 1, 0.5, 255, 256, 1e5, 1e5 + 1, 1e8, -1e308, 1e308, 2 ** 53]),
      () => random.next() * 2e5 - 1e5,
      () => '',
      () => 'ecg',
      () => 'x'.repeat(int(200)),
      () => String.fromCharCode(...Array.from({ length: int(10) }, () => int(0x3000))),
      () => pick(['i16', 'i24', 'i32', 'f32', 'ppg', 'imu', 'a/b']),
    ])();
  const value = (depth: number): unknown => {
    if (depth > 3 || random.next() < 0.5) return scalar();
    if (random.next() < 0.5) return Array.from({ length: int(4) }, () => value(depth + 1));
    return Object.fromEntries(Array.from({ length: int(4) }, () => [pick(['id', 'name', 'rate', 'channels', 'label', 'device', 'streams', 'kind']), value(depth + 1)]));
  };
  /** A copy of `x` with one node somewhere replaced, deleted or duplicated. */
  const mutate = (x: unknown): unknown => {
    if (x === null || typeof x !== 'object' || random.next() < 0.2) return value(0);
    const copy: Record<string, unknown> | unknown[] = Array.isArray(x) ? [...x] : { ...(x as object) };
    const keys = Object.keys(copy);
    if (keys.length === 0) return copy;
    const key = pick(keys);
    const roll = random.next();
    const c = copy as Record<string, unknown>;
    if (roll < 0.15) delete c[key];
    else if (roll < 0.3 && Array.isArray(copy)) copy.push(structuredClone(copy[int(copy.length)]));
    else c[key] = mutate(c[key]);
    return copy;
  };
  return { int, value, mutate };
}

function invariantsHold(streams: StreamInfo[]): boolean {
  const names = new Set(streams.map((s) => s.name));
  return (
    names.size === streams.length &&
    streams.every((s) => s.rate > 0 && s.rate <= MAX_RATE_HZ && s.channels.length >= 1 && s.channels.length <= MAX_CHANNELS && !s.name.includes('/'))
  );
}

describe('fuzzing HELLO descriptors through the device layer', () => {
  it('3000 random and mutated descriptors: no throw, errors name the field, streams only from valid ones', () => {
    const random = new Prng(0xde5c);
    const fuzz = values(random);
    let accepted = 0;
    let rejected = 0;
    for (let k = 0; k < 3000; k++) {
      const bus = new StreamBus();
      const published: StreamInfo[][] = [];
      bus.subscribe({ streams: (s) => published.push(s) });
      const device = new VbpDevice({ id: 'd', label: 'D', transport: 'serial', pipe: { write: () => undefined }, bus, now: () => 0 });
      const descriptor = k % 5 === 0 ? fuzz.value(0) : k % 2 ? fuzz.mutate(VALID) : fuzz.mutate(fuzz.mutate(VALID));
      let json = new TextEncoder().encode(JSON.stringify(descriptor) ?? 'undefined');
      if (k % 17 === 0) json = Uint8Array.from({ length: fuzz.int(100) }, () => fuzz.int(256));
      if (json.length > MAX_PACKET - 4) continue;
      const version = k % 50 === 0 ? fuzz.int(256) : 1;
      expect(() => device.receive(encodePacket(PacketType.HELLO, Uint8Array.of(version, ...json)), 0)).not.toThrow();
      const stats = device.stats();
      if (stats.error) {
        rejected++;
        expect(stats.error).toMatch(ERROR_SHAPE);
        expect(published).toEqual([]);
        expect(stats.streams).toEqual([]);
      } else {
        accepted++;
        expect(published).toHaveLength(1);
        expect(invariantsHold(published[0])).toBe(true);
      }
    }
    // Both outcomes were exercised in quantity.
    expect(accepted).toBeGreaterThan(90);
    expect(rejected).toBeGreaterThan(1200);
  });
});

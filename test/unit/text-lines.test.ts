import { describe, expect, it } from 'vitest';
import { TextLineDecoder, parseLine } from '../../src/main/protocols/text-lines';
import { StreamBus } from '../../src/main/acquisition/stream-bus';
import { TextDevice, estimateRate } from '../../src/main/acquisition/text-device';
import type { Chunk } from '../../src/shared/types';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('text lines', () => {
  it('parses numbers with any separator, label:value pairs and headers', () => {
    expect(parseLine('1, 2.5,-3e2')).toEqual({ values: [1, 2.5, -300], labels: null });
    expect(parseLine('1\t2 3;4')).toEqual({ values: [1, 2, 3, 4], labels: null });
    expect(parseLine('red:10,ir:20')).toEqual({ values: [10, 20], labels: ['red', 'ir'] });
    expect(parseLine('red:10 ir:20')).toEqual({ values: [10, 20], labels: ['red', 'ir'] });
    expect(parseLine('ax ay az')).toEqual({ words: ['ax', 'ay', 'az'] });
    expect(parseLine('1, x')).toBeNull();
    expect(parseLine('a:1, 2')).toBeNull();
    expect(parseLine('a:x')).toBeNull();
  });

  it('gives the same records however the bytes are split, counts bad lines and goes on', () => {
    const text = 'ax,ay\r\n1,2\r\n3,4\r\n\r\nbad line\r\n5,6,7\r\n8,9\r\nax,ay\r\n10,11\r\n';
    const whole = new TextLineDecoder();
    const records = whole.push(bytes(text));
    const split = new TextLineDecoder();
    const pieces = [];
    for (const ch of bytes(text)) pieces.push(...split.push(new Uint8Array([ch])));
    expect(pieces).toEqual(records);
    expect(whole.labels).toEqual(['ax', 'ay']);
    expect(records.filter((r) => r.kind === 'sample').map((r) => (r as { values: number[] }).values)).toEqual([
      [1, 2],
      [3, 4],
      [8, 9],
      [10, 11],
    ]);
    expect(whole.parseErrors).toBe(3); // "bad line", a 3-value line, a header after the data
  });

  it('names channels from the first labeled line or ch1..chN, and rejects overlong lines', () => {
    const d = new TextLineDecoder();
    d.push(bytes('hr:60,spo2:97\nhr:61,spo2:98\nspo2:1,hr:2\n'));
    expect(d.labels).toEqual(['hr', 'spo2']);
    expect(d.parseErrors).toBe(1);
    const plain = new TextLineDecoder();
    plain.push(bytes('1 2 3\n'));
    expect(plain.labels).toEqual(['ch1', 'ch2', 'ch3']);
    const long = new TextLineDecoder();
    long.push(bytes('1'.repeat(3000)));
    expect(long.parseErrors).toBe(1);
  });

  it('estimates the rate from arrivals (snapping to common rates) or takes the given one', () => {
    const steady = (rate: number, n: number, from = 0) => Array.from({ length: n }, (_, k) => from + k / rate + 0.002 * ((k * 7919) % 5));
    expect(estimateRate(steady(100, 201))).toBe(100);
    expect(estimateRate(steady(34.5, 70))).toBe(34.5);
    // The host stalls 150 ms near the end and then reads the queued lines at once: a count over
    // the span says 93 Hz, the lower envelope still 100.
    const stalled = steady(100, 201).map((t, k) => (k >= 170 && k < 185 ? steady(100, 201)[185] : t));
    stalled.push(...steady(100, 15, 2.01).map((t) => t + 0.15));
    expect((stalled.length - 1) / (stalled[stalled.length - 1] - stalled[0])).toBeLessThan(97);
    expect(estimateRate(stalled)).toBe(100);
    const bus = new StreamBus();
    const chunks: Chunk[] = [];
    bus.subscribe({ chunk: (c) => chunks.push(c) });
    const device = new TextDevice({ id: 'serial:x', label: 'x', transport: 'serial', bus, now: () => 0 });
    // 97.5 lines a second in bursts of 5 (a USB packet at a time), starting at t=100.
    for (let k = 0; k < 600; k += 5) {
      const arrival = 100 + (k + 4) / 97.5 + 0.001;
      device.receive(bytes(Array.from({ length: 5 }, (_, i) => `${k + i},${-(k + i)}\n`).join('')), arrival);
    }
    expect(bus.streams[0]).toMatchObject({ key: 'serial:x/text', rate: 100, channels: [{ label: 'ch1' }, { label: 'ch2' }] });
    const total = chunks.reduce((s, c) => s + c.n, 0);
    expect(total).toBe(600);
    const last = chunks.at(-1)!;
    expect(last.data[last.n - 1]).toBe(599);
    // The clock model turns the 2.5% rate error into drift: sample 599 lands near its arrival.
    expect(Math.abs(last.t0 + (last.n - 1) * last.dt - (100 + 599 / 97.5))).toBeLessThan(0.02);
    // 80 lines queued before the port opened arrive in the first read; then 100 lines a second.
    const backlog = new TextDevice({ id: 'serial:z', label: 'z', transport: 'serial', bus, now: () => 0 });
    backlog.receive(bytes(Array.from({ length: 80 }, (_, k) => `${k}\n`).join('')), 50);
    for (let k = 1; k <= 250; k++) backlog.receive(bytes(`${80 + k}\n`), 50 + k / 100);
    expect(bus.streams.find((s) => s.key === 'serial:z/text')).toMatchObject({ rate: 100 });
    const given = new TextDevice({ id: 'serial:y', label: 'y', transport: 'serial', bus, now: () => 0, rate: 250 });
    given.receive(bytes('1\n2\n'), 5);
    expect(given.stats().streams[0]).toMatchObject({ nominalRate: 250, samples: 2 });
  });
});

/** The Polar PMD driver through GattConnection against a fake H10: subscribe order, one command at a time, refusals, ECG in µV timed by PMD timestamps, measured rate, HRS beside PMD, reconnect with a gap. */
import { describe, expect, it } from 'vitest';
import { GattConnection, REQUESTED_MTU } from '../../src/main/acquisition/gatt-connection';
import { StreamBus } from '../../src/main/acquisition/stream-bus';
import { GATT } from '../../src/main/devices/ble/uuids';
import { PMD_EPOCH_UNIX_S } from '../../src/main/protocols/polar-pmd';
import type { Chunk, SessionEvent } from '../../src/shared/types';
import { FakePolarH10, H10_ECG_FRAME } from '../helpers/fake-gatt-peripheral';
import { until } from '../helpers/until';

const RATE = 131.2;
/** The fake's device clock: its first ECG sample at 2 s after PMD's epoch (the test vector's timestamp). */
const FIRST_NS = 2_000_000_000n;
/** Host time of that first sample, and the constant latency of every notification. */
const HOST0 = 1_800_000_000;
const LATENCY = 0.02;

function rig(peripherals: FakePolarH10[]) {
  const bus = new StreamBus();
  const chunks: Chunk[] = [];
  const events: SessionEvent[] = [];
  bus.subscribe({ chunk: (c) => chunks.push(c), event: (e) => events.push(e) });
  let t = HOST0;
  let opened = 0;
  const connection = new GattConnection({
    id: 'ble:H10',
    label: 'Polar H10',
    transport: 'ble',
    open: async () => peripherals[Math.min(opened++, peripherals.length - 1)],
    bus,
    now: () => t,
    reconnect: { minDelayMs: 5, maxDelayMs: 20 },
  });
  return { bus, chunks, events, connection, setNow: (s: number) => (t = s) };
}

/** Host time at which a frame whose last sample is at device time `ns` arrives. */
const arrivalOf = (ns: bigint) => HOST0 + Number(ns - FIRST_NS) / 1e9 + LATENCY;

/** Sends `frames` ECG frames, each at its arrival time; returns the samples sent. */
function stream(h10: FakePolarH10, setNow: (t: number) => void, frames: number): number[] {
  const sent: number[] = [];
  for (let f = 0; f < frames; f++) {
    setNow(arrivalOf(h10.nextSampleNs + BigInt(Math.round(((H10_ECG_FRAME - 1) * 1e9) / RATE))));
    sent.push(...h10.emitEcgFrame());
  }
  return sent;
}

const ecgStarted = (h10: FakePolarH10) => (h10.started.has(0) && h10.started.has(2) ? true : undefined);

describe('Polar PMD driver', () => {
  it('subscribes CP indications then data before any command, runs one command at a time, and starts ECG 130 Hz 14 bit and ACC 50 Hz 8 G', async () => {
    const h10 = new FakePolarH10({ rateHz: RATE, firstSampleNs: FIRST_NS, answerMs: 15 });
    const { bus, connection } = rig([h10]);
    await connection.start();
    await until('ECG and ACC started', () => (h10.calls.at(-1) === 'answer f0010303' ? true : undefined));
    const subscribed = h10.calls.filter((c) => c.startsWith('subscribe'));
    expect(subscribed).toEqual(['subscribe 00002a37 notify', 'subscribe fb005c81 indicate', 'subscribe fb005c82 notify']);
    expect(h10.calls.findIndex((c) => c.startsWith('write'))).toBeGreaterThan(h10.calls.indexOf('subscribe fb005c82 notify'));
    // Each command waits for its answer: write, answer, write, answer...
    expect(h10.calls.filter((c) => c.startsWith('write') || c.startsWith('answer'))).toEqual([
      'write fb005c81 0100',
      'answer f0010000000001820001010e00',
      'write fb005c81 02000001820001010e00',
      'answer f002000000',
      'write fb005c81 0101',
      'answer f0010103',
      'write fb005c81 0102',
      'answer f0010200000004190032006400c800010110000203020004000800',
      'write fb005c81 0202000132000101100002010800',
      'answer f002020000',
      'write fb005c81 0103',
      'answer f0010303',
    ]);
    expect(h10.overlapping).toEqual([]);
    expect(bus.streams.map((s) => [s.name, s.rate, s.channels.map((c) => c.unit).join(',')])).toEqual([
      ['hr', 0, 'bpm'],
      ['rr', 0, 'ms'],
      ['ecg', 130, 'µV'],
      ['acc', 50, 'mG,mG,mG'],
    ]);
    const stats = connection.stats();
    expect(stats.ble).toMatchObject({ drivers: ['hrs', 'pmd'], mtu: REQUESTED_MTU });
    expect(stats.error).toBeUndefined();
    await connection.close();
    expect(bus.streams).toEqual([]);
  });

  it('an H10 gives HR from HRS and ECG in µV from PMD, timed by the PMD timestamps; the measured rate (131.2 Hz) is shown beside the nominal 130', async () => {
    const h10 = new FakePolarH10({ rateHz: RATE, firstSampleNs: FIRST_NS });
    const { chunks, connection, setNow } = rig([h10]);
    await connection.start();
    await until('ECG started', () => ecgStarted(h10));
    h10.notify(GATT.heartRateMeasurement, Uint8Array.of(0x00, 64));
    const sent = stream(h10, setNow, 40);
    const ecg = chunks.filter((c) => c.key === 'ble:H10/ecg');
    expect(ecg).toHaveLength(40);
    expect(ecg.flatMap((c) => Array.from(c.data))).toEqual(sent);
    expect(chunks.filter((c) => c.key === 'ble:H10/hr').map((c) => c.data[0])).toEqual([64]);
    // From the second frame on, the spacing is the timestamps' (1/131.2 s), not the nominal 1/130 s,
    // and each sample sits at its device time plus the latency the clock model fitted.
    for (const c of ecg.slice(1)) expect(c.dt).toBeCloseTo(1 / RATE, 7);
    for (const c of ecg.slice(1)) {
      const k = c.index;
      expect(c.t0).toBeCloseTo(HOST0 + k / RATE + LATENCY, 4);
    }
    expect(ecg.map((c) => c.index)).toEqual(ecg.map((_, i) => i * H10_ECG_FRAME));
    const stats = connection.stats();
    const ecgStats = stats.streams.find((s) => s.key === 'ble:H10/ecg')!;
    expect(ecgStats.nominalRate).toBe(130);
    expect(ecgStats.measuredRate).toBeCloseTo(RATE, 1);
    expect(ecgStats.samples).toBe(40 * H10_ECG_FRAME);
    // Host minus device clock (Unix time): the device clock is set to PMD time 2 s = HOST0 - latency.
    expect(stats.clockOffsetMs).toBeCloseTo((HOST0 - (PMD_EPOCH_UNIX_S + 2)) * 1000 + LATENCY * 1000, 0);
    await connection.close();
  });

  it('a refused start gives a clear error naming the command and the status, and the next measurement still starts', async () => {
    const h10 = new FakePolarH10({ rateHz: RATE, firstSampleNs: FIRST_NS });
    h10.refuse.set('2 0', 5);
    const { bus, connection } = rig([h10]);
    await connection.start();
    await until('ACC started', () => (h10.started.has(2) ? true : undefined));
    expect(h10.started.has(0)).toBe(false);
    expect(connection.stats().error).toBe('start ECG: invalid parameter');
    expect(bus.streams.map((s) => s.name)).toEqual(['hr', 'rr', 'acc']);
    await connection.close();
  });

  it('warns in the device stats when the agreed MTU is under the 232 bytes PMD needs', async () => {
    const h10 = new FakePolarH10({ rateHz: RATE, firstSampleNs: FIRST_NS, mtu: 185 });
    const { connection } = rig([h10]);
    await connection.start();
    await until('ECG started', () => ecgStarted(h10));
    expect(connection.stats().ble?.mtu).toBe(185);
    expect(connection.stats().error).toMatch(/ATT MTU 185 is under the 232 bytes Polar PMD needs/);
    await connection.close();
  });

  it('after the link drops and comes back, starts ECG again, and the stretch without samples is a gap event with its lost count', async () => {
    const first = new FakePolarH10({ rateHz: RATE, firstSampleNs: FIRST_NS });
    const peripherals = [first];
    const { chunks, events, connection, setNow } = rig(peripherals);
    await connection.start();
    await until('ECG started', () => ecgStarted(first));
    stream(first, setNow, 10);
    // The strap is out of range for 3 s; its clock runs on.
    const second = new FakePolarH10({ rateHz: RATE, firstSampleNs: first.nextSampleNs + 3_000_000_000n });
    const resumeNs = second.nextSampleNs;
    peripherals.push(second);
    first.drop();
    await until('the reconnect', () => (connection.stats().state === 'streaming' ? true : undefined));
    await until('ECG started again', () => ecgStarted(second));
    // ECG starts some seconds after the link: no error meanwhile.
    expect(connection.stats().error).toBeUndefined();
    stream(second, setNow, 5);
    const ecg = chunks.filter((c) => c.key === 'ble:H10/ecg');
    expect(ecg).toHaveLength(15);
    const gap = events.find((e) => e.kind === 'gap' && e.key === 'ble:H10/ecg')!;
    expect(gap.text).toMatch(/^Polar H10: ecg lost for 3\.0 s while the link was down \(\d+ samples\)$/);
    expect(gap.lost).toBe(Math.round(3 * RATE));
    expect(gap.t).toBeCloseTo(ecg[9].t0 + H10_ECG_FRAME * ecg[9].dt, 6);
    // The first frame after the gap has no previous timestamp: it is spaced as the frames before the drop were.
    expect(ecg[10].index).toBe(10 * H10_ECG_FRAME + gap.lost!);
    expect(ecg[10].dt).toBeCloseTo(1 / RATE, 7);
    expect(ecg[10].t0).toBeCloseTo(arrivalOf(resumeNs), 4);
    await connection.close();
  });
});

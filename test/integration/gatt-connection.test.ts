/** GattConnection against a fake peripheral: discovery, subscription order, MTU, drivers by service, battery, reconnect with a gap, NUS carrying VBP. */
import { describe, expect, it } from 'vitest';
import { GattConnection, REQUESTED_MTU } from '../../src/main/acquisition/gatt-connection';
import { StreamBus } from '../../src/main/acquisition/stream-bus';
import { GATT } from '../../src/main/devices/ble/uuids';
import { SimulatedBoard } from '../../src/main/devices/simulator/board';
import type { Chunk, SessionEvent } from '../../src/shared/types';
import { FakeGattPeripheral, HR_STRAP_SERVICES } from '../helpers/fake-gatt-peripheral';
import { until } from '../helpers/until';

const NUS_RX = '6e400002-b5a3-f393-e0a9-e50e24dcca9e';
const NUS_TX = '6e400003-b5a3-f393-e0a9-e50e24dcca9e';

function rig(peripherals: FakeGattPeripheral[]) {
  const bus = new StreamBus();
  const chunks: Chunk[] = [];
  const events: SessionEvent[] = [];
  bus.subscribe({ chunk: (c) => chunks.push(c), event: (e) => events.push(e) });
  let t = 1000;
  let opened = 0;
  const connection = new GattConnection({
    id: 'ble:AA',
    label: 'Strap',
    transport: 'ble',
    open: async () => peripherals[Math.min(opened++, peripherals.length - 1)],
    bus,
    now: () => t,
    reconnect: { minDelayMs: 5, maxDelayMs: 20 },
  });
  return { bus, chunks, events, connection, advance: (s: number) => (t += s), opened: () => opened };
}

describe('GattConnection', () => {
  it('asks for a large MTU, discovers, subscribes before anything else and reads the battery; HRS gives hr and rr streams', async () => {
    const fake = new FakeGattPeripheral('AA', 'Strap', HR_STRAP_SERVICES, { [GATT.batteryLevel]: Uint8Array.of(87) });
    const { bus, chunks, connection, advance } = rig([fake]);
    await connection.start();
    expect(fake.calls).toEqual(['connect', `mtu ${REQUESTED_MTU}`, 'discover', 'subscribe 00002a37 notify', 'read 00002a19', 'subscribe 00002a19 notify']);
    expect(bus.streams.map((s) => [s.key, s.rate, s.channels[0].unit])).toEqual([
      ['ble:AA/hr', 0, 'bpm'],
      ['ble:AA/rr', 0, 'ms'],
    ]);
    advance(1);
    fake.notify(GATT.heartRateMeasurement, Uint8Array.of(0x16, 0x48, 0x1a, 0x03, 0x02, 0x03));
    const hr = chunks.filter((c) => c.key === 'ble:AA/hr');
    const rr = chunks.filter((c) => c.key === 'ble:AA/rr');
    expect(hr.map((c) => [c.t0, c.data[0]])).toEqual([[1001, 72]]);
    // The last interval ends at the arrival, the one before it one interval earlier.
    expect(rr.map((c) => c.data[0])).toEqual([(794 * 1000) / 1024, (770 * 1000) / 1024]);
    expect(rr[1].t0).toBe(1001);
    expect(rr[0].t0).toBeCloseTo(1001 - 770 / 1024, 9);
    const stats = connection.stats();
    expect(stats.ble).toMatchObject({ address: 'AA', drivers: ['hrs'], rssi: -61, batteryPct: 87, contact: 'detected', mtu: 185 });
    expect(stats.streams.map((s) => s.samples)).toEqual([1, 2]);
    fake.notify(GATT.heartRateMeasurement, Uint8Array.of(0x11, 0x48));
    expect(connection.stats().decodeErrors.malformed).toBe(1);
    expect(connection.stats().error).toMatch(/truncated: uint16 heart rate/);
    await connection.close();
    expect(bus.streams).toEqual([]);
  });

  it('reconnects with backoff after the link drops, subscribes again and records the downtime as a gap', async () => {
    const first = new FakeGattPeripheral('AA', 'Strap', HR_STRAP_SERVICES);
    const second = new FakeGattPeripheral('AA', 'Strap', HR_STRAP_SERVICES);
    second.refuseConnect = 'device not found';
    const { events, connection, advance, opened } = rig([first, second]);
    await connection.start();
    first.drop();
    expect(connection.stats().state).toBe('reconnecting');
    advance(2);
    await until('a failed attempt', () => (opened() >= 2 ? true : undefined));
    second.refuseConnect = null;
    await until('the reconnect', () => (connection.stats().state === 'streaming' ? true : undefined));
    expect(connection.stats().reconnects).toBe(1);
    expect(second.calls.filter((c) => c.startsWith('subscribe'))).toEqual(['subscribe 00002a37 notify']);
    const gap = events.find((e) => e.kind === 'gap');
    expect(gap?.text).toMatch(/Strap: link lost for \d+\.\d s, reconnected after \d+ attempts?/);
    expect(gap!.duration).toBeGreaterThanOrEqual(2);
    second.notify(GATT.heartRateMeasurement, Uint8Array.of(0x00, 61));
    expect(connection.stats().streams[0].samples).toBe(1);
    await connection.close();
  });

  it('refuses a device none of our drivers can drive, naming its services', async () => {
    const fake = new FakeGattPeripheral('BB', 'Thermometer', [{ uuid: '00001809-0000-1000-8000-00805f9b34fb', characteristics: [] }]);
    await expect(rig([fake]).connection.start()).rejects.toThrow(/Strap: no driver for this device; its services: 00001809-0000-1000-8000-00805f9b34fb/);
    expect(fake.calls.at(-1)).toBe('disconnect');
  });

  it('Nordic UART: picks TX and RX by property, writes DESCRIBE and START to RX, and TX notifications feed the VBP decoder', async () => {
    // Named from the other side, as in old nRF5 client code: the property decides, not the name.
    const fake = new FakeGattPeripheral('CC', 'Board', [{ uuid: GATT.nusService, characteristics: [{ uuid: NUS_TX, properties: ['notify'] }, { uuid: NUS_RX, properties: ['writeWithoutResponse', 'write'] }] }]);
    const { bus, chunks, connection, advance } = rig([fake]);
    await connection.start();
    expect(fake.calls.slice(0, 4)).toEqual(['connect', `mtu ${REQUESTED_MTU}`, 'discover', 'subscribe 6e400003 notify']);
    expect(fake.calls.filter((c) => c.startsWith('write 6e400002')).length).toBeGreaterThanOrEqual(2);
    expect(fake.calls.every((c) => !c.startsWith('write') || c.endsWith('(no response)'))).toBe(true);
    const board = new SimulatedBoard({ seed: 3 });
    const bytes = board.advance(2);
    // MTU 185: notifications of at most 182 bytes, cut anywhere in the VBP frames.
    for (let at = 0; at < bytes.length; at += 182) {
      advance(0.01);
      fake.notify(NUS_TX, bytes.slice(at, at + 182));
    }
    expect(bus.streams.map((s) => s.key)).toEqual(['ble:AA/ecg', 'ble:AA/ppg', 'ble:AA/imu']);
    const ecg = chunks.filter((c) => c.key === 'ble:AA/ecg').reduce((n, c) => n + c.n, 0);
    expect(ecg).toBeGreaterThan(900);
    expect(connection.stats()).toMatchObject({ protocol: 'vbp', ble: { drivers: ['nus'] } });
    await connection.close();
  });
});

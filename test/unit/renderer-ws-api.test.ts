import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeFrame } from '../../src/shared/frame-codec';
import type { EngineStatus } from '../../src/shared/types';
import { isEngineLinkError, type ConnectionState } from '../../src/renderer/src/api/connection';
import { createWsApi, type SocketLike, type WsVitalsApi } from '../../src/renderer/src/api/ws';

class FakeSocket implements SocketLike {
  readyState = 0;
  binaryType = 'blob';
  sent: { id: number; method: string; args: unknown[] }[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string): void {
    if (this.readyState !== 1) throw new Error('not open');
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  reply(message: unknown): void {
    this.onmessage?.({ data: typeof message === 'string' ? message : JSON.stringify(message) });
  }
  drop(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
}

function setup(): { api: WsVitalsApi; sockets: FakeSocket[] } {
  const sockets: FakeSocket[] = [];
  const api = createWsApi('ws://host/ws?token=abc', {
    minBackoffMs: 10,
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
  });
  return { api, sockets };
}

let current: WsVitalsApi | null = null;
afterEach(() => {
  current?.close();
  current = null;
  vi.useRealTimers();
});

describe('createWsApi', () => {
  it('queues requests until the socket opens, then resolves them by id', async () => {
    const { api, sockets } = setup();
    current = api;
    const devices = api.listDevices();
    const connect = api.connect('sim-1');
    expect(sockets[0].sent).toEqual([]);
    sockets[0].open();
    expect(sockets[0].binaryType).toBe('arraybuffer');
    expect(sockets[0].sent.map((r) => r.method)).toEqual(['listDevices', 'connect']);
    expect(sockets[0].sent[1].args).toEqual(['sim-1']);
    const [a, b] = sockets[0].sent;
    // Answers may come in any order.
    sockets[0].reply({ id: b.id, result: null });
    sockets[0].reply({ id: a.id, result: [{ id: 'sim-1', label: 'Simulated board', transport: 'sim', connected: false }] });
    await expect(connect).resolves.toBeNull();
    await expect(devices).resolves.toHaveLength(1);
  });

  it('rejects with the server error text', async () => {
    const { api, sockets } = setup();
    current = api;
    sockets[0].open();
    const p = api.startRecording({ name: 'x', participant: 'p' });
    sockets[0].reply({ id: sockets[0].sent[0].id, error: 'no device connected' });
    await expect(p).rejects.toThrow('no device connected');
  });

  it('delivers binary frames and status pushes to listeners', () => {
    const { api, sockets } = setup();
    current = api;
    sockets[0].open();
    const frames: number[] = [];
    const statuses: EngineStatus[] = [];
    const off = api.onFrame((f) => frames.push(f.blocks[0].data[1]));
    api.onStatus((s) => statuses.push(s));
    const bytes = encodeFrame({
      sentAt: 1,
      blocks: [{ key: 'd/ecg', t0: 10, dt: 0.004, n: 2, channels: 1, data: Float32Array.from([1.5, 2.5]), arrivedAt: 1 }],
      marks: [{ key: 'd/ecg', t: 10.004, kind: 'beat' }],
    });
    sockets[0].onmessage?.({ data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) });
    sockets[0].reply({ event: 'status', data: { devices: [], streams: [], recording: null } });
    expect(frames).toEqual([2.5]);
    expect(statuses).toHaveLength(1);
    off();
    sockets[0].onmessage?.({ data: bytes });
    expect(frames).toEqual([2.5]);
    // Garbage never throws out of the client: it is logged and dropped.
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    sockets[0].reply('not json');
    sockets[0].onmessage?.({ data: new ArrayBuffer(3) });
    expect(log).toHaveBeenCalledTimes(2);
    expect(frames).toEqual([2.5]);
    log.mockRestore();
  });

  it('rejects pending requests on close, reports the state, and reconnects with backoff', async () => {
    vi.useFakeTimers();
    const { api, sockets } = setup();
    current = api;
    const states: ConnectionState['kind'][] = [];
    api.onConnection((s) => states.push(s.kind));
    sockets[0].open();
    const p = api.getStatus();
    sockets[0].drop();
    const error = await p.catch((e: unknown) => e);
    expect(isEngineLinkError(error)).toBe(true);
    expect(String(error)).toMatch(/Disconnected from engine/);
    expect(states).toEqual(['connecting', 'open', 'disconnected']);
    // While waiting to reconnect, commands fail fast.
    await expect(api.listSessions()).rejects.toThrow(/Not connected/);
    vi.advanceTimersByTime(10);
    expect(sockets).toHaveLength(2);
    sockets[1].drop();
    vi.advanceTimersByTime(10);
    expect(sockets).toHaveLength(2); // backoff doubled
    vi.advanceTimersByTime(10);
    expect(sockets).toHaveLength(3);
    sockets[2].open();
    expect(states.at(-1)).toBe('open');
  });
});

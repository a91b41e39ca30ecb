import { VITALS_COMMANDS, type LiveFrame, type VitalsApi, type VitalsCommand, type VitalsCommands } from '../../../shared/api';
import { decodeFrame } from '../../../shared/frame-codec';
import type { EngineStatus } from '../../../shared/types';
import type { WsRequest, WsServerMessage } from '../../../shared/ws-protocol';
import { EngineLinkError, type ConnectionListener, type ConnectionSource, type ConnectionState } from './connection';

/** The part of the browser's WebSocket this client uses (so tests can pass a fake). */
export interface SocketLike {
  readonly readyState: number;
  binaryType: string;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  send(data: string): void;
  close(): void;
}

const CONNECTING = 0;
const OPEN = 1;

export interface WsApiOptions {
  /** First reconnect delay, ms; doubles after each failed attempt. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** Factory for tests or other runtimes; defaults to the global WebSocket. */
  createSocket?: (url: string) => SocketLike;
}

function browserSocket(url: string): SocketLike {
  const Ctor = (globalThis as unknown as { WebSocket: new (url: string) => SocketLike }).WebSocket;
  return new Ctor(url);
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export type WsVitalsApi = VitalsApi & ConnectionSource & { close(): void };

/**
 * VitalsApi over the web face's WebSocket: JSON requests `{id, method, args}` answered by id,
 * binary live frames, JSON status pushes. Requests made while the socket is opening wait for
 * it; when the socket closes, every unanswered request is rejected and the client reconnects
 * with exponential backoff.
 */
export function createWsApi(url: string, options: WsApiOptions = {}): WsVitalsApi {
  const minBackoff = options.minBackoffMs ?? 500;
  const maxBackoff = options.maxBackoffMs ?? 10_000;
  const createSocket = options.createSocket ?? browserSocket;

  const frameListeners = new Set<(frame: LiveFrame) => void>();
  const statusListeners = new Set<(status: EngineStatus) => void>();
  const connectionListeners = new Set<ConnectionListener>();
  const pending = new Map<number, Pending>();
  let queue: WsRequest[] = [];
  let nextId = 1;
  let socket: SocketLike | null = null;
  let backoff = minBackoff;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;
  let state: ConnectionState = { kind: 'connecting' };

  const setState = (next: ConnectionState): void => {
    state = next;
    for (const l of connectionListeners) safely(() => l(next));
  };

  const rejectAll = (message: string): void => {
    const error = new EngineLinkError(message);
    const waiting = [...pending.values()];
    pending.clear();
    queue = [];
    for (const p of waiting) p.reject(error);
  };

  const open = (): void => {
    retryTimer = null;
    if (closed) return;
    setState({ kind: 'connecting' });
    let ws: SocketLike;
    try {
      ws = createSocket(url);
    } catch (e) {
      scheduleReconnect(`cannot open ${redact(url)}: ${errorText(e)}`);
      return;
    }
    socket = ws;
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => {
      backoff = minBackoff;
      setState({ kind: 'open' });
      const waiting = queue;
      queue = [];
      for (const req of waiting) ws.send(JSON.stringify(req));
    };
    ws.onmessage = (ev) => handleMessage(ev.data);
    ws.onerror = () => {
      // The close event that follows carries the details and does the cleanup.
    };
    ws.onclose = (ev) => {
      if (socket !== ws) return;
      socket = null;
      const reason = ev.reason ? `: ${ev.reason}` : '';
      rejectAll(`Disconnected from engine (code ${ev.code}${reason})`);
      if (!closed) scheduleReconnect(`connection closed (code ${ev.code}${reason})`);
      else setState({ kind: 'closed', reason: 'closed' });
    };
  };

  const scheduleReconnect = (reason: string): void => {
    const delay = backoff;
    backoff = Math.min(maxBackoff, backoff * 2);
    setState({ kind: 'disconnected', reason, retryAt: Date.now() + delay });
    retryTimer = setTimeout(open, delay);
  };

  const handleMessage = (data: unknown): void => {
    if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      let frame: LiveFrame;
      try {
        frame = decodeFrame(bytes);
      } catch (e) {
        console.error('vitalscope: undecodable live frame', e);
        return;
      }
      for (const l of frameListeners) safely(() => l(frame));
      return;
    }
    if (typeof data !== 'string') return;
    let msg: WsServerMessage;
    try {
      msg = JSON.parse(data) as WsServerMessage;
    } catch (e) {
      console.error('vitalscope: unparsable message from engine', e);
      return;
    }
    if ('event' in msg) {
      if (msg.event === 'status') for (const l of statusListeners) safely(() => l(msg.data));
      return;
    }
    const p = pending.get(msg.id);
    if (!p) return;
    pending.delete(msg.id);
    if ('error' in msg) p.reject(new Error(String(msg.error)));
    else p.resolve(msg.result);
  };

  const request = (method: VitalsCommand, args: unknown[]): Promise<unknown> =>
    new Promise((resolve, reject) => {
      if (closed) {
        reject(new EngineLinkError('Connection to engine closed'));
        return;
      }
      const req: WsRequest = { id: nextId++, method, args };
      if (socket && socket.readyState === OPEN) {
        pending.set(req.id, { resolve, reject });
        socket.send(JSON.stringify(req));
      } else if (socket && socket.readyState === CONNECTING) {
        pending.set(req.id, { resolve, reject });
        queue.push(req);
      } else {
        reject(new EngineLinkError('Not connected to engine (reconnecting)'));
      }
    });

  const commands = Object.fromEntries(
    VITALS_COMMANDS.map((method) => [method, (...args: unknown[]) => request(method, args)]),
  ) as unknown as VitalsCommands;

  open();

  return {
    ...commands,
    onFrame(listener) {
      frameListeners.add(listener);
      return () => frameListeners.delete(listener);
    },
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      listener(state);
      return () => connectionListeners.delete(listener);
    },
    reconnectNow() {
      if (socket || closed) return;
      if (retryTimer) clearTimeout(retryTimer);
      backoff = minBackoff;
      open();
    },
    close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      rejectAll('Connection to engine closed');
      socket?.close();
      socket = null;
      setState({ kind: 'closed', reason: 'closed' });
    },
  };
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch (e) {
    console.error('vitalscope: listener failed', e);
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The URL without its token, for messages. */
function redact(url: string): string {
  return url.replace(/token=[^&]*/, 'token=…');
}

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { encodeFrame } from '../shared/frame-codec';
import { WS_MAX_REQUEST_BYTES, WS_UNKNOWN_ID, type WsRequest, type WsServerMessage } from '../shared/ws-protocol';
import { parseWsRequest } from './command-args';
import type { Engine } from './engine-api';
import { postMarker, requestToken } from './marker-endpoint';
import { readRendererFile, resolveRendererPath } from './renderer-files';

export interface WebFaceOptions {
  engine: Engine;
  /** 0 picks a free port. */
  port?: number;
  /** Folder of the built renderer (out/renderer). */
  rendererDir?: string;
  /** Fixed token (tests); a random one otherwise. */
  token?: string;
}

export interface WebFace {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/**
 * Headers on every HTTP response, errors included. The page may reach only this face's own socket;
 * no site may frame it; and since the token travels in the URL, no request sends a Referer.
 */
export function webFaceHeaders(port: number): OutgoingHttpHeaders {
  return {
    'Content-Security-Policy': [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
      "frame-ancestors 'none'",
    ].join('; '),
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  };
}

/** Past this much unsent data a slow client skips live frames rather than piling up memory. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/** Frames larger than this close the socket (1009) before they are read; smaller oversize requests get an error reply. */
const MAX_PAYLOAD_BYTES = 4 * WS_MAX_REQUEST_BYTES;

/** Finds the built renderer next to the bundled CLI (out/main) or from the repository root. */
export function findRendererDir(): string {
  const candidates = [join(__dirname, '../renderer'), join(__dirname, '../../out/renderer'), join(process.cwd(), 'out/renderer')];
  const found = candidates.find((dir) => existsSync(join(dir, 'index.html')));
  if (!found) throw new Error('the renderer is not built: run `npm run build` first');
  return found;
}

/**
 * The web face: the renderer and a WebSocket speaking VitalsApi, on 127.0.0.1 only. A random
 * token in the URL guards the page and the socket; Host and Origin checks stop DNS rebinding.
 */
export async function startWebFace(options: WebFaceOptions): Promise<WebFace> {
  const rendererDir = resolve(options.rendererDir ?? findRendererDir());
  const token = options.token ?? randomBytes(18).toString('base64url');
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES });
  let port = 0;
  const allowedHosts = () => [`127.0.0.1:${port}`, `localhost:${port}`];

  const server: Server = createServer((req, res) => {
    serveFile(req, res).catch((error: Error) => {
      if (!res.headersSent) send(res, 500, `internal error: ${error.message}`);
      else res.destroy();
    });
  });

  function send(res: ServerResponse, status: number, text: string, extra: OutgoingHttpHeaders = {}): void {
    res.writeHead(status, { ...webFaceHeaders(port), 'Content-Type': 'text/plain; charset=utf-8', ...extra });
    res.end(text + '\n');
  }

  async function serveFile(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!allowedHosts().includes(req.headers.host ?? '')) return send(res, 403, 'forbidden host');
    if (requestUrl(req.url)?.pathname === '/api/markers') return markers(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, `${req.method} is not allowed: the face serves files only`, { Allow: 'GET, HEAD' });
    const url = requestUrl(req.url);
    if (!url) return send(res, 400, 'the request target must be a path');
    // Decode and resolve first, then judge: an encoded detour (`/assets/..%2findex.html`) is refused
    // and every spelling of the page itself needs the token.
    const path = resolveRendererPath(rendererDir, url.pathname);
    if (!path.ok) return send(res, path.status, path.message);
    if (path.isPage && !tokenMatches(url.searchParams.get('token'), token)) {
      return send(res, 401, 'missing or wrong token: open the URL that `vitalscope serve` printed');
    }
    const file = await readRendererFile(path.file);
    if (!file) return send(res, 404, 'not found');
    res.writeHead(200, { ...webFaceHeaders(port), 'Content-Type': file.contentType });
    res.end(file.body);
  }

  async function markers(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const json = (status: number, body: unknown, extra: OutgoingHttpHeaders = {}) => {
      res.writeHead(status, { ...webFaceHeaders(port), 'Content-Type': 'application/json; charset=utf-8', ...extra });
      res.end(JSON.stringify(body) + '\n');
    };
    if (req.method !== 'POST') return json(405, { error: `${req.method} is not allowed: POST {"text": "..."}` }, { Allow: 'POST' });
    if (!tokenMatches(requestToken(req, requestUrl(req.url)!), token)) {
      return json(401, { error: 'missing or wrong token: send the token `vitalscope serve` printed as "Authorization: Bearer TOKEN" or ?token=TOKEN' });
    }
    const reply = await postMarker(req, options.engine);
    json(reply.status, reply.body);
  }

  server.on('upgrade', (req, socket, head) => {
    // A client may reset the connection before it is answered: unheard, that error ends the process.
    socket.on('error', () => socket.destroy());
    const url = requestUrl(req.url);
    const origin = req.headers.origin;
    const sameOrigin = !origin || allowedHosts().some((h) => origin === `http://${h}`);
    if (url?.pathname !== '/ws' || !tokenMatches(url.searchParams.get('token'), token) || !allowedHosts().includes(req.headers.host ?? '') || !sameOrigin) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws, options.engine));
  });

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolvePromise());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** The request target as a URL, or null unless it is a path: `//x` stays a path, never a host. */
function requestUrl(target: string | undefined): URL | null {
  const href = `http://localhost${target ?? ''}`;
  return target?.startsWith('/') && URL.canParse(href) ? new URL(href) : null;
}

/** Sends unless the socket is closing; a send that fails as the socket goes away is dropped. */
function sendIfOpen(ws: WebSocket, data: string | Uint8Array): void {
  if (ws.readyState !== WebSocket.OPEN) return;
  try {
    ws.send(data, () => {});
  } catch {
    // Closed between the check and the send: the client is gone, nothing to answer.
  }
}

function reply(ws: WebSocket, message: WsServerMessage): void {
  let text: string;
  try {
    text = JSON.stringify(message);
  } catch (error) {
    const id = 'id' in message ? message.id : WS_UNKNOWN_ID;
    text = JSON.stringify({ id, error: `the reply could not be encoded: ${(error as Error).message}` });
  }
  sendIfOpen(ws, text);
}

/** The engine's answer to a well-formed request; a failing command becomes an error reply. */
async function answer(engine: Engine, request: WsRequest): Promise<WsServerMessage> {
  try {
    const result = await (engine[request.method] as (...a: unknown[]) => Promise<unknown>).apply(engine, request.args);
    return { id: request.id, result: result ?? null };
  } catch (error) {
    return { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
}

function byteLength(raw: RawData): number {
  return Array.isArray(raw) ? raw.reduce((sum, part) => sum + part.length, 0) : raw.byteLength;
}

/**
 * One client: every text message gets exactly one reply (a result or an error), binary and
 * oversize ones included. Nothing a client sends can throw out of here.
 */
function attach(ws: WebSocket, engine: Engine): void {
  const unsubscribe = engine.subscribe({
    status: (data) => reply(ws, { event: 'status', data }),
    frame: (frame) => {
      if (ws.bufferedAmount < MAX_BUFFERED_BYTES) sendIfOpen(ws, encodeFrame(frame));
    },
  });
  ws.on('close', unsubscribe);
  // ws closes the socket itself after a protocol error (bad UTF-8: 1007, past maxPayload: 1009);
  // without a listener that 'error' event would be thrown and end the process.
  ws.on('error', () => {});
  ws.on('message', (raw, isBinary) => {
    if (isBinary) return reply(ws, { id: WS_UNKNOWN_ID, error: 'binary messages are not requests: send JSON text' });
    const bytes = byteLength(raw);
    if (bytes > WS_MAX_REQUEST_BYTES) {
      return reply(ws, { id: WS_UNKNOWN_ID, error: `request is ${bytes} bytes; the limit is ${WS_MAX_REQUEST_BYTES}` });
    }
    const request = parseWsRequest(String(raw));
    if (!request.ok) return reply(ws, { id: request.id, error: request.error });
    void answer(engine, request).then((message) => reply(ws, message));
  });
}

function tokenMatches(given: string | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { encodeFrame } from '../shared/frame-codec';
import type { WsRequest, WsServerMessage } from '../shared/ws-protocol';
import { parseCommand } from './command-args';
import type { Engine } from './engine-api';

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

const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws: wss:";
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};
/** Past this much unsent data a slow client skips live frames rather than piling up memory. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

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
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  let port = 0;
  const allowedHosts = () => [`127.0.0.1:${port}`, `localhost:${port}`];

  const server: Server = createServer((req, res) => {
    void serveFile(req, res).catch((error: Error) => send(res, 500, `internal error: ${error.message}`));
  });

  async function serveFile(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!allowedHosts().includes(req.headers.host ?? '')) return send(res, 403, 'forbidden host');
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    let path = url.pathname === '/' ? '/index.html' : decodeURIComponent(url.pathname);
    // The page needs the token; its static assets are the public renderer bundle.
    if (path === '/index.html' && !tokenMatches(url.searchParams.get('token'), token)) {
      return send(res, 401, 'missing or wrong token: open the URL that `vitalscope serve` printed');
    }
    path = normalize(path);
    const file = join(rendererDir, path);
    if (!file.startsWith(rendererDir + sep)) return send(res, 403, 'forbidden path');
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return send(res, 404, 'not found');
    }
    res.writeHead(200, {
      'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    });
    res.end(body);
  }

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const origin = req.headers.origin;
    const sameOrigin = !origin || allowedHosts().some((h) => origin === `http://${h}`);
    if (url.pathname !== '/ws' || !tokenMatches(url.searchParams.get('token'), token) || !allowedHosts().includes(req.headers.host ?? '') || !sameOrigin) {
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

function attach(ws: WebSocket, engine: Engine): void {
  const reply = (message: WsServerMessage) => ws.send(JSON.stringify(message));
  const unsubscribe = engine.subscribe({
    status: (data) => reply({ event: 'status', data }),
    frame: (frame) => {
      if (ws.bufferedAmount < MAX_BUFFERED_BYTES) ws.send(encodeFrame(frame));
    },
  });
  ws.on('close', unsubscribe);
  ws.on('message', (raw, isBinary) => {
    if (isBinary) return;
    let request: Partial<WsRequest>;
    try {
      request = JSON.parse(String(raw)) as Partial<WsRequest>;
    } catch {
      return reply({ id: -1, error: 'request is not JSON' });
    }
    const id = typeof request.id === 'number' ? request.id : -1;
    void (async () => {
      try {
        const { method, args } = parseCommand(request.method, request.args);
        const result = await (engine[method] as (...a: unknown[]) => Promise<unknown>).apply(engine, args);
        reply({ id, result: result ?? null });
      } catch (error) {
        reply({ id, error: (error as Error).message });
      }
    })();
  });
}

function tokenMatches(given: string | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text + '\n');
}

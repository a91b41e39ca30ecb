// The web face's edges over real HTTP and a real WebSocket: the token guards every spelling of
// the page, encoded traversal and bad percent-encoding are refused cleanly, every response
// carries the security headers, and malformed socket messages get an error reply instead of
// ending the process.
import { request } from 'node:http';
import { connect } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createEngine, type Engine } from '../../src/main/engine';
import { startWebFace, type WebFace } from '../../src/main/server';
import { WS_MAX_REQUEST_BYTES } from '../../src/shared/ws-protocol';
import { tempDir } from '../helpers/temp-dir';

const dir = tempDir('web-face');
const rendererDir = join(dir.path, 'renderer');
let engine: Engine;
let face: WebFace;

beforeAll(async () => {
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>page</title>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  // Beside the renderer folder, never to be served.
  writeFileSync(join(dir.path, 'secret.txt'), 'secret');
  engine = await createEngine({ dbPath: join(dir.path, 'library.db') });
  face = await startWebFace({ engine, port: 0, rendererDir, token: 'tok' });
});

afterAll(async () => {
  await face?.close();
  await engine?.close();
  dir.cleanup();
});

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** GET with the path sent exactly as written (fetch would normalise `..%2f` and friends). */
function get(path: string, options: { method?: string; host?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: face.port, path, method: options.method ?? 'GET', headers: { host: options.host ?? `127.0.0.1:${face.port}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('web face over HTTP', () => {
  it('serves the page with the token and the assets without it', async () => {
    const page = await get('/?token=tok');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>page</title>');
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect((await get('/assets/app.js')).body).toBe('console.log(1)');
  });

  it.each(['/', '/index.html', '//index.html', '/./index.html', '/assets/../index.html', '/%69ndex.html', '/assets/%2e%2e/index.html', '/index.html?token=wrong'])(
    'asks for the token for the page however it is spelled: %s',
    async (path) => {
      const res = await get(path);
      expect(res.status).toBe(401);
      expect(res.body).not.toContain('<title>');
    },
  );

  it.each(['/assets/..%2findex.html', '/assets/..%2Findex.html', '/assets/%2e%2e%2findex.html', '/..%2fsecret.txt', '/assets/..%5c..%5csecret.txt', '/assets/app.js%00.png'])(
    'refuses encoded traversal with 400: %s',
    async (path) => {
      const res = await get(`${path}?token=tok`);
      expect(res.status).toBe(400);
      expect(res.body).not.toContain('secret');
      expect(res.body).not.toContain('<title>');
    },
  );

  it.each(['/%', '/%zz', '/assets/%e0%a4%a.js', '/%c0%af'])('answers malformed percent-encoding with 400, not 500: %s', async (path) => {
    const res = await get(path);
    expect(res.status).toBe(400);
    expect(res.body).toMatch(/percent-encoding/);
  });

  it('refuses other hosts, absolute targets and methods that change things', async () => {
    expect((await get('/assets/app.js', { host: 'evil.example:80' })).status).toBe(403);
    expect((await get(`http://127.0.0.1:${face.port}/assets/app.js`)).status).toBe(400);
    const post = await get('/assets/app.js', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    expect((await get('/assets/missing.js')).status).toBe(404);
    expect((await get('/assets/')).status).toBe(404);
  });

  it('sends the security headers on every response, errors included', async () => {
    for (const path of ['/?token=tok', '/assets/app.js', '/', '/%zz', '/assets/..%2findex.html', '/missing']) {
      const res = await get(path);
      const csp = String(res.headers['content-security-policy']);
      expect(csp, path).toContain(`connect-src 'self' ws://127.0.0.1:${face.port} ws://localhost:${face.port}`);
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).not.toMatch(/ ws: | wss:|ws:;|wss:;/);
      expect(res.headers['referrer-policy'], path).toBe('no-referrer');
      expect(res.headers['x-content-type-options'], path).toBe('nosniff');
    }
  });
});

/** An open socket to the face, with its text replies collected in order. */
async function openSocket(): Promise<{ ws: WebSocket; replies: Array<{ id?: number; error?: string; result?: unknown }>; next(): Promise<{ id?: number; error?: string; result?: unknown }> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${face.port}/ws?token=tok`);
  const replies: Array<{ id?: number; error?: string; result?: unknown }> = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    const message = JSON.parse(String(data));
    if ('event' in message) return;
    replies.push(message);
    waiters.shift()?.();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let read = 0;
  const next = async () => {
    if (read >= replies.length) await new Promise<void>((resolve) => waiters.push(resolve));
    return replies[read++];
  };
  return { ws, replies, next };
}

/** The status line the face answers a raw WebSocket upgrade request for `target` with. */
function upgrade(target: string, options: { reset?: boolean } = {}): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(face.port, '127.0.0.1', () => {
      socket.write(
        `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${face.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      );
      if (options.reset) socket.resetAndDestroy();
    });
    let answer = '';
    socket.on('data', (data) => {
      answer += String(data);
      if (answer.includes('\r\n')) socket.destroy();
    });
    socket.on('error', () => {});
    socket.on('close', () => resolve(answer.split('\r\n')[0]));
  });
}

describe('web face socket upgrade', () => {
  it('accepts the token on the socket path only, and survives malformed targets and resets', async () => {
    expect(await upgrade('/ws?token=tok')).toBe('HTTP/1.1 101 Switching Protocols');
    for (const target of ['/ws?token=wrong', '/ws', '//ws?token=tok', 'http://x/ws?token=tok', 'http://[', '*']) {
      expect(await upgrade(target), target).toBe('HTTP/1.1 401 Unauthorized');
    }
    // The client goes away before the 401 is written (an unheard ECONNRESET used to end the process).
    for (let i = 0; i < 5; i++) await upgrade('/ws?token=wrong', { reset: true });
    expect(await upgrade('/ws?token=tok')).toBe('HTTP/1.1 101 Switching Protocols');
  });
});

describe('web face socket', () => {
  it.each([
    ['null', -1, /malformed request/],
    ['[]', -1, /malformed request/],
    ['5', -1, /malformed request/],
    ['"x"', -1, /malformed request/],
    ['{"id":{}}', -1, /malformed request/],
    ['{nope', -1, /not JSON/],
    ['{"id":7}', 7, /method/],
    ['{"id":8,"method":"getStatus"}', 8, /args/],
    ['{"id":9,"method":"getStatus","args":{}}', 9, /args/],
    ['{"id":1e400,"method":"getStatus","args":[]}', -1, /id/],
    ['{"id":1.5,"method":"getStatus","args":[]}', -1, /id/],
    ['{"id":10,"method":"frobnicate","args":[]}', 10, /unknown command/],
    ['{"id":11,"method":"getPsd","args":["sim/ecg",0,600]}', 11, /bad arguments for getPsd/],
    ['{"id":12,"method":"getStatus","args":[],"extra":1}', 12, /extra/],
    ['{"id":13,"method":"connect","args":["no-such-device"]}', 13, /./],
  ])('answers %s with an error reply (id %d)', async (text, id, message) => {
    const { ws, next } = await openSocket();
    ws.send(text);
    const reply = await next();
    expect(reply.id).toBe(id);
    expect(reply.error).toMatch(message);
    // Still serving on the same socket.
    ws.send(JSON.stringify({ id: 99, method: 'listSessions', args: [] }));
    expect(await next()).toEqual({ id: 99, result: [] });
    ws.close();
  });

  it('answers binary and oversize messages with an error, and survives frames it must close on', async () => {
    const { ws, next } = await openSocket();
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await next()).toEqual({ id: -1, error: expect.stringMatching(/binary messages are not requests/) });
    ws.send(JSON.stringify({ id: 1, method: 'addMarker', args: ['x'.repeat(WS_MAX_REQUEST_BYTES)] }));
    expect(await next()).toEqual({ id: -1, error: expect.stringMatching(/the limit is/) });
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    ws.send(`{"id":2,"method":"addMarker","args":${deep}}`);
    expect(await next()).toEqual({ id: 2, error: expect.stringMatching(/bad arguments for addMarker/) });

    // Invalid UTF-8 and a frame past the payload limit: ws closes that socket (1007, 1009) ...
    const closed = new Promise<number>((resolve) => ws.once('close', resolve));
    ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect(await closed).toBe(1007);
    const big = await openSocket();
    const bigClosed = new Promise<number>((resolve) => big.ws.once('close', resolve));
    big.ws.send('x'.repeat(8 * WS_MAX_REQUEST_BYTES));
    expect(await bigClosed).toBe(1009);

    // ... and the face (and this process) carries on.
    const again = await openSocket();
    again.ws.send(JSON.stringify({ id: 3, method: 'listSessions', args: [] }));
    expect(await again.next()).toEqual({ id: 3, result: [] });
    again.ws.close();
  });

  it('drops replies for a client that went away without throwing', async () => {
    const { ws } = await openSocket();
    for (let i = 0; i < 50; i++) ws.send(JSON.stringify({ id: i, method: 'getStatus', args: [] }));
    ws.terminate();
    const again = await openSocket();
    again.ws.send(JSON.stringify({ id: 1, method: 'listSessions', args: [] }));
    expect(await again.next()).toEqual({ id: 1, result: [] });
    again.ws.close();
  });
});

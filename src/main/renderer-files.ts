// Serving the built renderer (out/renderer) to a face: the web face over HTTP and the desktop app
// over its app:// protocol. Both take a URL path from an untrusted page, so both go through the
// one decision here: decode, resolve, and only then judge what the path names.
import { readFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

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

export type RendererPath =
  /** `isPage`: the file is the app page itself (the one the web face guards with its token). */
  | { ok: true; file: string; isPage: boolean }
  | { ok: false; status: 400 | 403; message: string };

/**
 * Where a URL path (as sent, still percent-encoded; without query) lands under `rendererDir`.
 * Literal `.` and `..` segments are already resolved by URL parsing, so a `..` that appears only
 * after decoding (`..%2f`) is an attempt to climb out and is refused, as is a backslash or NUL.
 */
export function resolveRendererPath(rendererDir: string, encodedPath: string): RendererPath {
  let path: string;
  try {
    path = decodeURIComponent(encodedPath);
  } catch {
    return { ok: false, status: 400, message: 'malformed percent-encoding in the path' };
  }
  if (/[\\\0]/.test(path) || path.split('/').some((segment) => segment === '..')) {
    return { ok: false, status: 400, message: 'path traversal is not allowed' };
  }
  const root = resolve(rendererDir);
  const file = resolve(root, '.' + (path === '/' || path === '' ? '/index.html' : path));
  if (!file.startsWith(root + sep)) return { ok: false, status: 403, message: 'forbidden path' };
  return { ok: true, file, isPage: file === join(root, 'index.html') };
}

/** The file's bytes and content type, or null if there is no such file. */
export async function readRendererFile(file: string): Promise<{ body: Buffer; contentType: string } | null> {
  try {
    return { body: await readFile(file), contentType: MIME[extname(file)] ?? 'application/octet-stream' };
  } catch {
    return null;
  }
}

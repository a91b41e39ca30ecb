// The desktop window's security decisions, apart from Electron so they run in plain-Node tests:
// where the renderer comes from, which URLs and frames are the app's own, and what the app://
// protocol answers. window.ts, ipc.ts and index.ts apply them.
import { readRendererFile, resolveRendererPath } from './renderer-files';

/** The built renderer is served from app://vitalscope/, a privileged standard scheme, not file://. */
export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://vitalscope`;

/** The renderer's policy: only the app's own files; inline styles for the charts' layout. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
].join('; ');

// `electron-vite dev` serves the renderer with hot reload, which needs an inline preamble script
// and the dev server's WebSocket. Only in that mode (never in a build) is the policy relaxed.
export const DEV_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self' ws://localhost:* ws://127.0.0.1:*",
  "frame-ancestors 'none'",
].join('; ');

export interface RendererSource {
  /** What the window loads. */
  url: string;
  /** The one origin whose pages may navigate, call IPC and receive the live port. */
  origin: string;
  /** True for the dev server, which gets the relaxed policy. */
  dev: boolean;
  policy: string;
}

/** `scheme://host[:port]` of a URL, or null. (WHATWG URL gives 'null' as the origin of app://.) */
export function originOf(url: string): string | null {
  if (!URL.canParse(url)) return null;
  const { protocol, host } = new URL(url);
  return host ? `${protocol}//${host}` : null;
}

/**
 * Where the window's renderer comes from. The dev server's URL (ELECTRON_RENDERER_URL, set by
 * `electron-vite dev`) counts only in a development build and only on loopback: a built app
 * ignores the variable, so no environment can point the privileged window at another page.
 */
export function rendererSource(isDevBuild: boolean, devServerUrl: string | undefined): RendererSource {
  if (isDevBuild && devServerUrl && URL.canParse(devServerUrl)) {
    const url = new URL(devServerUrl);
    if (url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
      return { url: devServerUrl, origin: url.origin, dev: true, policy: DEV_CONTENT_SECURITY_POLICY };
    }
  }
  return { url: `${APP_ORIGIN}/index.html`, origin: APP_ORIGIN, dev: false, policy: CONTENT_SECURITY_POLICY };
}

/** Whether a URL is one of the app's own pages (navigation within the app is allowed, nothing else). */
export function isAppUrl(url: string, source: RendererSource): boolean {
  return originOf(url) === source.origin;
}

/** What the main process knows about the frame behind an IPC call. */
export interface IpcSender {
  /** The call came from the app window's web contents. */
  fromAppWindow: boolean;
  /** event.senderFrame: null once the frame is gone or navigated. */
  frame: { url: string; isMainFrame: boolean } | null;
}

/** Only the app window's main frame, showing an app page, may drive the engine; never a subframe. */
export function isTrustedIpcSender(sender: IpcSender, source: RendererSource): boolean {
  return sender.fromAppWindow && sender.frame !== null && sender.frame.isMainFrame && isAppUrl(sender.frame.url, source);
}

export interface AppResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | string;
}

/**
 * The app:// protocol: files under the built renderer folder only, with the policy on every
 * answer. Another host, traversal (encoded or not) or a missing file gets an error status.
 */
export async function appProtocolResponse(rendererDir: string, requestUrl: string): Promise<AppResponse> {
  const headers = { 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff' };
  const text = (status: number, body: string): AppResponse => ({ status, headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }, body });
  if (originOf(requestUrl) !== APP_ORIGIN) return text(404, 'not found');
  const path = resolveRendererPath(rendererDir, new URL(requestUrl).pathname);
  if (!path.ok) return text(path.status, path.message);
  const file = await readRendererFile(path.file);
  if (!file) return text(404, 'not found');
  return { status: 200, headers: { ...headers, 'Content-Type': file.contentType }, body: file.body };
}

// The desktop window and its hardening: sandboxed renderer with context isolation, a strict
// Content-Security-Policy, no new windows, no navigation away, no webviews, no permissions.
import { join } from 'node:path';
import { app, BrowserWindow, session } from 'electron';

/** The renderer's policy: only the app's own files; inline styles for the charts' layout. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
].join('; ');

// `electron-vite dev` serves the renderer with hot reload, which needs an inline preamble script
// and the dev server's WebSocket. Only in that mode (never in a build) is the policy relaxed.
const DEV_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self' ws://localhost:* ws://127.0.0.1:*",
].join('; ');

/** The dev server's URL when run by `electron-vite dev`; null for the built app. */
export function devServerUrl(): string | null {
  const url = process.env.ELECTRON_RENDERER_URL;
  return !app.isPackaged && url ? url : null;
}

/** Adds the Content-Security-Policy header to every response of the default session. */
export function installContentSecurityPolicy(): void {
  const policy = devServerUrl() ? DEV_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY;
  const ses = session.defaultSession;
  ses.webRequest.onHeadersReceived((details, callback) => {
    const headers: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      if (name.toLowerCase() !== 'content-security-policy') headers[name] = value;
    }
    headers['Content-Security-Policy'] = [policy];
    callback({ responseHeaders: headers });
  });
  // The engine talks to devices; the renderer needs no camera, serial, USB or notifications.
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
}

/** Denies new windows, navigation away from the app and <webview> in every web contents. */
export function denyNavigation(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}

/** The main window, 1400x900, loading the built renderer (or the dev server). */
export function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Vitalscope',
    autoHideMenuBar: true,
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });

  const url = devServerUrl();
  if (url) void window.loadURL(url);
  else void window.loadFile(join(__dirname, '../renderer/index.html'));
  return window;
}

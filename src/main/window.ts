// The desktop window and its hardening: sandboxed renderer with context isolation, served from
// app://vitalscope/ (only the built renderer folder), a strict Content-Security-Policy, no new
// windows, no navigation away, no webviews, no permissions. The decisions live in
// ./desktop-security.ts; this file applies them to Electron.
import { join } from 'node:path';
import { app, BrowserWindow, protocol, session } from 'electron';
import { APP_SCHEME, appProtocolResponse, isAppUrl, type RendererSource } from './desktop-security';

const RENDERER_DIR = join(__dirname, '../renderer');

/**
 * Makes app:// a standard, secure scheme (so 'self', origins and fetch work as for https). Must
 * run before the app is ready.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** Serves app:// from the built renderer folder. Call once the app is ready. */
export function serveAppProtocol(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const response = await appProtocolResponse(RENDERER_DIR, request.url);
    return new Response(typeof response.body === 'string' ? response.body : new Uint8Array(response.body), { status: response.status, headers: response.headers });
  });
}

/** Adds the policy header to every response of the default session and denies every permission. */
export function secureSession(source: RendererSource): void {
  const ses = session.defaultSession;
  ses.webRequest.onHeadersReceived((details, callback) => {
    const headers: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      if (name.toLowerCase() !== 'content-security-policy') headers[name] = value;
    }
    headers['Content-Security-Policy'] = [source.policy];
    callback({ responseHeaders: headers });
  });
  // The engine in the main process does all device I/O (serial, Bluetooth, files), so the page
  // needs no permission at all: camera, microphone, serial, HID, USB, notifications, clipboard
  // and the rest are refused, both when asked for and when merely checked.
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
}

/**
 * In every web contents: no new windows (the app opens none, and a child would inherit the
 * preload), no navigation or redirect away from the app's origin, no <webview>.
 */
export function denyNavigation(source: RendererSource): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    const stayInApp = (event: { preventDefault(): void }, url: string): void => {
      if (!isAppUrl(url, source)) event.preventDefault();
    };
    contents.on('will-navigate', (event) => stayInApp(event, event.url));
    contents.on('will-redirect', (event) => stayInApp(event, event.url));
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}

/** The main window, 1400x900, loading the renderer from its source. */
export function createMainWindow(source: RendererSource): BrowserWindow {
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
  void window.loadURL(source.url);
  return window;
}

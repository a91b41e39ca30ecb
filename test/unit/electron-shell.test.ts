import { VITALS_COMMANDS } from '../../src/shared/api';
// The Electron shell's wiring (window.ts, ipc.ts) against a stand-in for the electron module,
// which cannot run here: every IPC handler checks its caller's frame, navigation and new windows
// stay in the app, permissions are refused and app:// serves only the renderer folder.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => {
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => Promise<unknown>>();
  const appListeners = new Map<string, (...args: unknown[]) => void>();
  const session = {
    onHeadersReceived: null as null | ((details: unknown, callback: (response: unknown) => void) => void),
    permissionRequest: null as null | ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void),
    permissionCheck: null as null | ((...args: unknown[]) => boolean),
  };
  const protocol = { privileged: [] as unknown[], handler: null as null | ((request: { url: string }) => Promise<Response>) };
  const windows: Array<{ options: unknown; loaded: string[] }> = [];
  return { handlers, appListeners, session, protocol, windows };
});

vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, handler: (event: unknown, ...args: unknown[]) => Promise<unknown>) => electron.handlers.set(channel, handler),
    removeHandler: (channel: string) => electron.handlers.delete(channel),
  },
  MessageChannelMain: class {},
  app: { on: (name: string, listener: (...args: unknown[]) => void) => electron.appListeners.set(name, listener) },
  protocol: {
    registerSchemesAsPrivileged: (schemes: unknown[]) => electron.protocol.privileged.push(...schemes),
    handle: (_scheme: string, handler: (request: { url: string }) => Promise<Response>) => (electron.protocol.handler = handler),
  },
  session: {
    defaultSession: {
      webRequest: { onHeadersReceived: (listener: typeof electron.session.onHeadersReceived) => (electron.session.onHeadersReceived = listener) },
      setPermissionRequestHandler: (handler: typeof electron.session.permissionRequest) => (electron.session.permissionRequest = handler),
      setPermissionCheckHandler: (handler: typeof electron.session.permissionCheck) => (electron.session.permissionCheck = handler),
    },
  },
  BrowserWindow: class {
    readonly loaded: string[] = [];
    constructor(readonly options: unknown) {
      electron.windows.push(this);
    }
    async loadURL(url: string): Promise<void> {
      this.loaded.push(url);
    }
  },
}));

const { commandChannel, handleCommands } = await import('../../src/main/ipc');
const { createMainWindow, denyNavigation, registerAppScheme, secureSession, serveAppProtocol } = await import('../../src/main/window');
const { CONTENT_SECURITY_POLICY, rendererSource } = await import('../../src/main/desktop-security');
const { createEngine } = await import('../../src/main/engine');
type Engine = Awaited<ReturnType<typeof createEngine>>;

const source = rendererSource(false, 'http://localhost:5173/');

describe('IPC handlers check the calling frame', () => {
  let engine: Engine;
  let undo: () => void;
  const appWindow = { isDestroyed: () => false, webContents: { id: 7 } };
  const call = (event: unknown, ...args: unknown[]) => electron.handlers.get(commandChannel('listSessions'))!(event, ...args);
  const event = (senderId: number, frame: { url: string; parent: unknown } | null) => ({ sender: { id: senderId }, senderFrame: frame });
  const mainFrame = { url: 'app://vitalscope/index.html', parent: null };

  beforeAll(async () => {
    engine = await createEngine({ dbPath: ':memory:', listPorts: async () => [] });
    undo = handleCommands(engine, appWindow as never, source);
  });
  afterAll(() => engine.close());

  it('answers the app window main frame', async () => {
    expect(electron.handlers.size).toBe(VITALS_COMMANDS.length);
    await expect(call(event(7, mainFrame))).resolves.toEqual([]);
    await expect(electron.handlers.get(commandChannel('getPsd'))!(event(7, mainFrame), 'x', 0, 600)).rejects.toThrow(/bad arguments for getPsd/);
  });

  it.each([
    ['another web contents', event(8, mainFrame)],
    ['a subframe of the window', event(7, { url: 'app://vitalscope/index.html', parent: mainFrame })],
    ['a frame that has gone', event(7, null)],
    ['a foreign page in the window', event(7, { url: 'https://evil.example/', parent: null })],
    ['the dev server in a built app', event(7, { url: 'http://localhost:5173/', parent: null })],
  ])('refuses %s', async (_name, e) => {
    await expect(call(e)).rejects.toThrow(/refused, the request did not come from the Vitalscope window/);
  });

  it('removes every handler on undo', () => {
    undo();
    expect(electron.handlers.size).toBe(0);
  });
});

describe('window hardening', () => {
  it('loads the renderer from app:// in a sandboxed, isolated window', () => {
    createMainWindow(source);
    const window = electron.windows.at(-1)!;
    expect(window.loaded).toEqual(['app://vitalscope/index.html']);
    expect(window.options).toMatchObject({ webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true } });
  });

  it('keeps every web contents on the app origin, with no new windows and no webviews', () => {
    denyNavigation(source);
    const listeners = new Map<string, (event: { url?: string; preventDefault(): void }) => void>();
    let openHandler: (() => unknown) | null = null;
    const contents = {
      setWindowOpenHandler: (handler: () => unknown) => (openHandler = handler),
      on: (name: string, listener: (event: { url?: string; preventDefault(): void }) => void) => listeners.set(name, listener),
    };
    electron.appListeners.get('web-contents-created')!({}, contents);
    expect(openHandler!()).toEqual({ action: 'deny' });
    const prevented = (name: string, url?: string) => {
      const preventDefault = vi.fn();
      listeners.get(name)!({ url, preventDefault });
      return preventDefault.mock.calls.length > 0;
    };
    for (const name of ['will-navigate', 'will-redirect']) {
      expect(prevented(name, 'app://vitalscope/index.html')).toBe(false);
      expect(prevented(name, 'https://evil.example/')).toBe(true);
      expect(prevented(name, 'file:///etc/passwd')).toBe(true);
      expect(prevented(name, 'app://other/index.html')).toBe(true);
    }
    expect(prevented('will-attach-webview')).toBe(true);
  });

  it('refuses every permission, asked for or checked, and sets the policy on responses', () => {
    secureSession(source);
    const granted = vi.fn();
    for (const permission of ['media', 'notifications', 'serial', 'hid', 'usb', 'geolocation', 'clipboard-read']) electron.session.permissionRequest!({}, permission, granted);
    expect(granted.mock.calls.every(([value]) => value === false)).toBe(true);
    expect(granted).toHaveBeenCalledTimes(7);
    expect(electron.session.permissionCheck!({}, 'media', 'app://vitalscope', {})).toBe(false);
    const callback = vi.fn();
    electron.session.onHeadersReceived!({ responseHeaders: { 'content-security-policy': ['default-src *'], 'X-Other': ['1'] } }, callback);
    expect(callback).toHaveBeenCalledWith({ responseHeaders: { 'X-Other': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });

  it('registers app:// as a secure standard scheme and serves only the renderer folder', async () => {
    registerAppScheme();
    expect(electron.protocol.privileged).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
    serveAppProtocol();
    // Under vitest window.ts sits in src/main, so its renderer folder is src/renderer.
    const page = await electron.protocol.handler!({ url: 'app://vitalscope/index.html' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await page.text()).toContain('<div id="root">');
    expect((await electron.protocol.handler!({ url: 'app://vitalscope/..%2fmain%2findex.ts' })).status).toBe(400);
    expect((await electron.protocol.handler!({ url: `app://vitalscope/${'..%2f'.repeat(3)}package.json` })).status).toBe(400);
    expect((await electron.protocol.handler!({ url: 'app://elsewhere/index.html' })).status).toBe(404);
  });
});

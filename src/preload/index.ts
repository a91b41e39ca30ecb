// VitalsApi over Electron IPC, exposed to the sandboxed renderer as `window.vitals`.
// Commands: ipcRenderer.invoke('vitals:<command>'). Frames: a MessagePort the main process hands
// over on 'vitals:port' after each load (kept here, never given to the page). Status:
// 'vitals:status' pushes. The channel names match src/main/ipc.ts.
import { contextBridge, ipcRenderer } from 'electron';
import { VITALS_COMMANDS, type LiveFrame, type VitalsApi, type VitalsCommand, type VitalsCommands } from '../shared/api';
import type { EngineStatus } from '../shared/types';

const PORT_CHANNEL = 'vitals:port';
const STATUS_CHANNEL = 'vitals:status';

// A rejected invoke arrives as "Error invoking remote method 'vitals:x': Error: <message>".
const REMOTE_ERROR_PREFIX = /^Error invoking remote method '[^']*': (?:[A-Za-z]*Error: )?/;

function command(name: VitalsCommand) {
  return async (...args: unknown[]): Promise<unknown> => {
    try {
      return await ipcRenderer.invoke(`vitals:${name}`, ...args);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(message.replace(REMOTE_ERROR_PREFIX, ''));
    }
  };
}

const frameListeners = new Set<(frame: LiveFrame) => void>();
const statusListeners = new Set<(status: EngineStatus) => void>();
/** The part of the DOM MessagePort used here (the preload's tsconfig has Node's lib, not the DOM's). */
interface FramePort {
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  start(): void;
  close(): void;
}
let framePort: FramePort | null = null;

function notify<T>(listeners: Set<(value: T) => void>, value: T): void {
  for (const listener of listeners) {
    try {
      listener(value);
    } catch (error) {
      console.error('vitals: a listener threw', error);
    }
  }
}

ipcRenderer.on(PORT_CHANNEL, (event) => {
  framePort?.close();
  const port = (event.ports[0] as unknown as FramePort | undefined) ?? null;
  framePort = port;
  if (!port) return;
  port.addEventListener('message', (message) => notify(frameListeners, message.data as LiveFrame));
  port.start();
});

ipcRenderer.on(STATUS_CHANNEL, (_event, status: EngineStatus) => notify(statusListeners, status));

function subscribe<T>(listeners: Set<(value: T) => void>, listener: (value: T) => void): () => void {
  // Wrap, so the same function subscribed twice gets two independent subscriptions.
  const entry = (value: T): void => listener(value);
  listeners.add(entry);
  return () => {
    listeners.delete(entry);
  };
}

const commands = Object.fromEntries(VITALS_COMMANDS.map((name) => [name, command(name)])) as unknown as VitalsCommands;

const api: VitalsApi = {
  ...commands,
  onFrame: (listener) => subscribe(frameListeners, listener),
  onStatus: (listener) => subscribe(statusListeners, listener),
};

contextBridge.exposeInMainWorld('vitals', api);

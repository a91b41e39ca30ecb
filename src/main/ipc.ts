// The engine over Electron IPC: one `ipcMain.handle('vitals:<command>')` per VitalsCommands entry,
// live frames over a MessageChannelMain port handed to the renderer after each load, status
// pushes with `webContents.send`. The preload (src/preload/index.ts) is the other end; it spells
// the same channel names (only src/shared crosses the process boundary, and these are transport
// details, not part of the renderer's contract).
import { ipcMain, MessageChannelMain, type BrowserWindow, type IpcMainInvokeEvent, type MessagePortMain } from 'electron';
import { VITALS_COMMANDS, type VitalsCommand } from '../shared/api';
import type { Engine } from './engine-api';
import { parseCommand } from './command-args';
import { isAppUrl, isTrustedIpcSender, type RendererSource } from './desktop-security';

export const COMMAND_CHANNEL_PREFIX = 'vitals:';
export const PORT_CHANNEL = 'vitals:port';
export const STATUS_CHANNEL = 'vitals:status';

export function commandChannel(command: VitalsCommand): string {
  return `${COMMAND_CHANNEL_PREFIX}${command}`;
}

type AnyCommand = (...args: unknown[]) => Promise<unknown>;

/**
 * Routes every command from the window's renderer to the engine. A failing command rejects the
 * renderer's invoke with the error's message. Returns a function that removes the handlers.
 */
export function handleCommands(engine: Engine, window: BrowserWindow, source: RendererSource): () => void {
  // Only our window's main frame, on an app page, may drive the engine: not another window, not
  // an iframe, not a page the window was somehow navigated to.
  const trusted = (event: IpcMainInvokeEvent): boolean => {
    if (window.isDestroyed()) return false;
    const frame = event.senderFrame;
    return isTrustedIpcSender(
      { fromAppWindow: event.sender.id === window.webContents.id, frame: frame ? { url: frame.url, isMainFrame: frame.parent === null } : null },
      source,
    );
  };

  for (const command of VITALS_COMMANDS) {
    const run = (engine[command] as AnyCommand).bind(engine);
    ipcMain.handle(commandChannel(command), async (event, ...args: unknown[]) => {
      if (!trusted(event)) throw new Error(`${command}: refused, the request did not come from the Vitalscope window`);
      try {
        // The same argument checks as the web face: a bad request gets a clear error, not a deep one.
        return await run(...parseCommand(command, args).args);
      } catch (error) {
        // Electron passes on only the message of a thrown Error; make sure it has one.
        throw error instanceof Error ? error : new Error(String(error));
      }
    });
  }
  return () => {
    for (const command of VITALS_COMMANDS) ipcMain.removeHandler(commandChannel(command));
  };
}

/**
 * Pushes the engine's frames and status to the window: after every load (and reload) the renderer
 * gets a fresh MessagePort on PORT_CHANNEL, and frames go to its other end. Returns a function
 * that stops the pushes and closes the port.
 */
export function pushLiveData(engine: Engine, window: BrowserWindow, source: RendererSource): () => void {
  const contents = window.webContents;
  let port: MessagePortMain | null = null;
  // The live data goes to app pages only (navigation away is denied; this holds if it ever were not).
  const showsApp = (): boolean => !contents.isDestroyed() && isAppUrl(contents.getURL(), source);

  const closePort = (): void => {
    port?.close();
    port = null;
  };
  const handOverPort = (): void => {
    closePort();
    if (!showsApp()) return;
    const channel = new MessageChannelMain();
    port = channel.port1;
    contents.postMessage(PORT_CHANNEL, null, [channel.port2]);
  };

  contents.on('did-finish-load', handOverPort);
  if (!contents.isLoading() && contents.getURL() !== '') handOverPort();

  const unsubscribe = engine.subscribe({
    frame(frame) {
      port?.postMessage(frame);
    },
    status(status) {
      if (showsApp()) contents.send(STATUS_CHANNEL, status);
    },
  });

  return () => {
    unsubscribe();
    if (!contents.isDestroyed()) contents.off('did-finish-load', handOverPort);
    closePort();
  };
}

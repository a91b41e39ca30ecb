// The desktop face: an Electron window over the same engine the CLI and the web face drive.
// Thin on purpose; the window lives in ./window.ts and the IPC bridge in ./ipc.ts.
//   electron . [--db PATH] [--durable]       (npm start -- --db PATH --durable)
// --durable (or VITALSCOPE_DURABLE=1): synchronous=FULL, every flush survives a power loss.
// VITALSCOPE_SQLITE_BINDING names a better-sqlite3 binding built for Electron's ABI
// (scripts/start-electron.mjs builds one); without it the engine loads node_modules' binding.
import { app, dialog, type BrowserWindow } from 'electron';
import { rendererSource } from './desktop-security';
import { createEngine } from './engine';
import type { Engine } from './engine-api';
import { handleCommands, pushLiveData } from './ipc';
import { defaultDbPath } from './storage/paths';
import { createMainWindow, denyNavigation, registerAppScheme, secureSession, serveAppProtocol } from './window';

// import.meta.env.DEV is fixed when electron-vite bundles this file (true only for
// `electron-vite dev`): a built app never takes its renderer from the environment.
const source = rendererSource(import.meta.env.DEV && !app.isPackaged, process.env.ELECTRON_RENDERER_URL);

/** `--db PATH` or `--db=PATH` anywhere in argv, else null. */
function dbPathFromArgv(argv: readonly string[]): string | null {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--db' && i + 1 < argv.length) return argv[i + 1];
    if (arg.startsWith('--db=')) return arg.slice('--db='.length);
  }
  return null;
}

let engine: Engine | null = null;
let detach: Array<() => void> = [];
let closing: Promise<void> | null = null;
let readyToQuit = false;

function closeEngine(): Promise<void> {
  if (!closing) {
    for (const undo of detach) undo();
    detach = [];
    closing = engine ? engine.close().catch((error: unknown) => console.error('vitalscope: closing the engine failed:', error)) : Promise.resolve();
  }
  return closing;
}

function attach(window: BrowserWindow, live: Engine): void {
  detach.push(handleCommands(live, window, source), pushLiveData(live, window, source));
  window.on('closed', () => {
    for (const undo of detach) undo();
    detach = [];
  });
}

async function start(): Promise<void> {
  const dbPath = dbPathFromArgv(process.argv) ?? defaultDbPath();
  const nativeBinding = process.env.VITALSCOPE_SQLITE_BINDING || undefined;
  const durable = process.argv.includes('--durable') || process.env.VITALSCOPE_DURABLE === '1';
  try {
    engine = await createEngine({ dbPath, nativeBinding, durable });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    dialog.showErrorBox('Vitalscope could not start', `The engine failed to start with the library ${dbPath}:\n\n${message}`);
    app.exit(1);
    return;
  }
  serveAppProtocol();
  secureSession(source);
  attach(createMainWindow(source), engine);
}

registerAppScheme();
denyNavigation(source);

app.on('window-all-closed', () => {
  void closeEngine().then(() => app.quit());
});

// Hold the quit until the engine has flushed the recording and closed the database.
app.on('before-quit', (event) => {
  if (readyToQuit) return;
  event.preventDefault();
  void closeEngine().then(() => {
    readyToQuit = true;
    app.quit();
  });
});

app.whenReady().then(start, (error: unknown) => {
  console.error('vitalscope:', error);
  app.exit(1);
});

import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The library database's default location: the OS user-data folder, the same one Electron's
 * `app.getPath('userData')` gives for this app, so the desktop app and the CLI share one library.
 * `VITALSCOPE_DB` overrides it (and `--db PATH` overrides both, in the faces).
 */
export function defaultDbPath(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.VITALSCOPE_DB) return env.VITALSCOPE_DB;
  return join(userDataDir(env, platform), 'library.db');
}

function userDataDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  const appName = 'vitalscope';
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), appName);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', appName);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), appName);
}

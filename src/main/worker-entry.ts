import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * How to start a worker thread: the bundled `bundle` (e.g. `analysis-worker.js`) next to the
 * built main process (or one folder up from a shared chunk), or, when running from source (tests,
 * tsx), the TypeScript file `source` loaded through tsx's require hook.
 */
export function workerEntry(bundle: string, source: string): { code: string; eval: boolean } {
  if (__filename.endsWith('.ts')) {
    return { code: `require('tsx/cjs'); require(${JSON.stringify(source)});`, eval: true };
  }
  const file = [join(__dirname, bundle), join(__dirname, '..', bundle)].find((f) => existsSync(f));
  if (!file) throw new Error(`${bundle} not found beside ${__dirname}: rebuild with \`npm run build\``);
  return { code: file, eval: false };
}

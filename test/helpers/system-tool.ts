import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * Finds a system tool a test needs (an env override first, then PATH). Outside CI a missing tool
 * skips the test with a message saying what to install; under CI=true it is a failure.
 */
export function findTool(name: string, options: { envVar?: string; install: string }): string | null {
  const override = options.envVar ? process.env[options.envVar] : undefined;
  const candidates = override ? [override] : (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, name));
  const found = candidates.find((path) => {
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  if (found) return found;
  return unavailable(`${name} not found${options.envVar ? ` (set ${options.envVar} or install it)` : ''}: ${options.install}`);
}

/** Something a test needs is missing: a failure under CI=true, otherwise a skip with the message. */
export function unavailable(message: string): null {
  if (process.env.CI === 'true') throw new Error(`CI requires ${message}`);
  console.warn(`skipping tests that need ${message}`);
  return null;
}

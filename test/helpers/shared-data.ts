import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { unavailable } from './system-tool';

/** ../shared/data beside the checkout: real public recordings, never copied into the repo. */
export const SHARED_DATA = join(__dirname, '..', '..', '..', 'shared', 'data');

/**
 * The shared data folder when every file a test reads (relative to it) is there. Outside CI a
 * missing one skips the test with a message saying which; under CI=true it is a failure.
 */
export function findSharedData(files: string[]): string | null {
  const missing = files.filter((f) => !existsSync(join(SHARED_DATA, f)));
  if (missing.length === 0) return SHARED_DATA;
  return unavailable(`the real records in ${SHARED_DATA} (missing: ${existsSync(SHARED_DATA) ? missing.join(', ') : 'the whole folder'})`);
}

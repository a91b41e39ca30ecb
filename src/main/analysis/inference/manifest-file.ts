import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseManifest, type ModelManifest } from './manifest';

/** The manifest beside model `file` (`file` + ".json"), checked, or an Error naming the file and what is wrong (one line). */
export function readManifest(file: string): ModelManifest {
  if (!existsSync(file)) throw new Error(`${file}: no such model file`);
  const sidecar = `${file}.json`;
  if (!existsSync(sidecar)) throw new Error(`${file}: no manifest ${basename(sidecar)} beside it (see the README's model manifest)`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(sidecar, 'utf8'));
  } catch (error) {
    throw new Error(`${sidecar}: not JSON: ${(error as Error).message}`);
  }
  try {
    return parseManifest(json, sidecar);
  } catch (error) {
    // zod's report has a line per issue; a CLI error and a UI message are one line.
    throw new Error((error as Error).message.replace(/\s*\n\s*/g, '; '));
  }
}

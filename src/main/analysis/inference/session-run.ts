import { resolve } from 'node:path';
import { hasModelRun, type Library } from '../../storage';
import { pickStream } from './infer';
import type { ModelManifest } from './manifest';
import { readManifest } from './manifest-file';

export interface ModelRunRequest {
  /** The model file, absolute. */
  file: string;
  manifest: ModelManifest;
  /** The run's name: as given, else the model's. */
  name: string;
}

/**
 * Checks, before a job starts, that a model can run over a session and be stored under `name`:
 * the session exists and is not being recorded, the model's manifest reads, the session has a
 * stream the model takes, and no run has that name. Throws an Error saying which it is not.
 */
export function checkModelRun(library: Library, sessionId: number, modelPath: string, name?: string): ModelRunRequest {
  const session = library.session(sessionId);
  if (!session) throw new Error(`no session ${sessionId} in ${library.path}`);
  if (session.status === 'recording') throw new Error(`session ${sessionId} is still recording: stop it first`);
  const file = resolve(modelPath);
  const manifest = readManifest(file);
  const signal = manifest.inputs.find((i) => i.source === 'signal')!;
  pickStream(manifest.name, signal, `session ${sessionId}`, session.streams.filter((s) => !s.derivedFrom));
  const runName = name?.trim() || manifest.name;
  if (hasModelRun(library, sessionId, runName)) throw new Error(`session ${sessionId} already has a model run named "${runName}": pick another name or delete that run`);
  return { file, manifest, name: runName };
}

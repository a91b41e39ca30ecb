/**
 * The models a user can pick: those bundled with the app (`resources/models/<folder>/`) and those
 * imported into the library's models folder (`<library dir>/models/<folder>/`), each an `.onnx`
 * with its `.onnx.json` manifest. An import is checked by loading it (the caller's `validate`:
 * the analysis worker in the app, onnxruntime in the CLI) before anything is kept.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { MODEL_IMPORT_MAX_BYTES } from '../../../shared/api';
import type { ModelEntry } from '../../../shared/types';
import { bundledModelsDir } from './bundled-model';
import { parseManifest } from './manifest';

const MAX_MANIFEST_BYTES = 1024 * 1024;
/** A folder name made from the model's file name: letters, digits, '.', '_', '-'. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** The library's models folder: beside the library database (a temporary one for an in-memory library). */
export function modelsDir(dbPath: string): string {
  return dbPath === ':memory:' ? join(tmpdir(), 'vitalscope-models') : join(dirname(dbPath), 'models');
}

/** A model to import: its `.onnx` file's name and bytes, and its manifest's text (null: it was not given). */
export interface ModelFiles {
  fileName: string;
  onnx: Uint8Array;
  manifest: string | null;
}

export class ModelLibrary {
  constructor(
    /** Where imports go. */
    readonly dir: string,
    readonly bundledDir: string | null = bundledModelsDir(),
  ) {}

  list(): ModelEntry[] {
    return [...(this.bundledDir ? scan(this.bundledDir, true) : []), ...scan(this.dir, false)];
  }

  /**
   * Checks `files` with `validate` (which throws an Error naming the field) and keeps them as
   * `<dir>/<name>/<name>.onnx` + `.onnx.json`; on any error nothing is kept.
   */
  async import(files: ModelFiles, validate: (file: string) => Promise<unknown>): Promise<ModelEntry> {
    const fileName = basename(files.fileName);
    if (!/\.onnx$/i.test(fileName)) throw new Error(`${fileName}: not an .onnx file`);
    if (files.manifest === null) throw new Error(`${fileName}.json is missing: a model needs its manifest beside it (import the two files together)`);
    const name = fileName.replace(/\.onnx$/i, '');
    if (!SAFE_NAME.test(name)) throw new Error(`${fileName}: a model's file name may have only letters, digits, '.', '_' and '-' (and start with a letter or digit)`);
    if (files.onnx.length > MODEL_IMPORT_MAX_BYTES) throw new Error(`${fileName} is ${mb(files.onnx.length)} MB; an import takes at most ${mb(MODEL_IMPORT_MAX_BYTES)} MB`);
    if (Buffer.byteLength(files.manifest) > MAX_MANIFEST_BYTES) throw new Error(`${fileName}.json is over ${mb(MAX_MANIFEST_BYTES)} MB: not a model manifest`);
    const target = join(this.dir, name);
    if (existsSync(target)) throw new Error(`a model named "${name}" is already imported (${target}): remove it first`);
    mkdirSync(this.dir, { recursive: true });
    // Staged in a hidden folder and renamed into place: a failed check or a crash leaves no half model in the list.
    const staging = join(this.dir, `.incoming-${randomBytes(6).toString('hex')}`);
    mkdirSync(staging);
    try {
      const file = join(staging, `${name}.onnx`);
      writeFileSync(file, files.onnx);
      writeFileSync(`${file}.json`, files.manifest);
      try {
        await validate(file);
      } catch (error) {
        // The user knows the files by their names, not by the staging folder.
        throw new Error((error as Error).message.split(`${staging}/`).join(''));
      }
      renameSync(staging, target);
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
    return entry(target, false);
  }

  /** Imports the model at `path` (an `.onnx`, its manifest beside it) from this machine's disk. */
  importFile(path: string, validate: (file: string) => Promise<unknown>): Promise<ModelEntry> {
    if (!existsSync(path)) throw new Error(`${path}: no such file`);
    if (statSync(path).size > MODEL_IMPORT_MAX_BYTES) throw new Error(`${path} is ${mb(statSync(path).size)} MB; an import takes at most ${mb(MODEL_IMPORT_MAX_BYTES)} MB`);
    const sidecar = `${path}.json`;
    if (/\.onnx$/i.test(path) && !existsSync(sidecar)) throw new Error(`${sidecar} is missing: a model needs its manifest beside it`);
    return this.import({ fileName: path, onnx: readFileSync(path), manifest: existsSync(sidecar) ? readFileSync(sidecar, 'utf8') : null }, validate);
  }

  /** Removes an imported model; bundled ones stay. */
  remove(id: string): void {
    const model = this.list().find((m) => m.id === id);
    if (!model) throw new Error(`no model "${id}" in the list`);
    if (model.bundled) throw new Error(`${model.name} is bundled with the app: it cannot be removed`);
    rmSync(dirname(model.file), { recursive: true, force: true });
  }
}

function mb(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(bytes < 1024 * 1024 ? 2 : 0);
}

/** Every folder of `dir` with an `.onnx` in it (hidden staging folders left out). */
function scan(dir: string, bundled: boolean): ModelEntry[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
    .map((d) => join(dir, d.name))
    .filter((folder) => readdirSync(folder).some((f) => f.endsWith('.onnx')))
    .sort()
    .map((folder) => entry(folder, bundled));
}

/** A folder's model with its manifest's summary, or the reason its manifest cannot be read. */
function entry(folder: string, bundled: boolean): ModelEntry {
  const onnx = readdirSync(folder).filter((f) => f.endsWith('.onnx')).sort()[0];
  const file = join(folder, onnx);
  const base = { id: `${bundled ? 'bundled' : 'imported'}/${basename(folder)}`, bundled, file };
  try {
    if (!existsSync(`${file}.json`)) throw new Error(`${file}.json is missing`);
    const m = parseManifest(JSON.parse(readFileSync(`${file}.json`, 'utf8')), `${file}.json`);
    const signal = m.inputs.find((i) => i.source === 'signal');
    return {
      ...base,
      name: m.name,
      version: m.version,
      description: m.description,
      trigger: m.trigger.type,
      kind: signal?.kind,
      ...(m.output.type === 'classes' ? { labels: m.output.labels } : { unit: m.output.unit }),
    };
  } catch (error) {
    return { ...base, name: basename(folder), error: (error as Error).message.replace(/\s*\n\s*/g, '; ') };
  }
}

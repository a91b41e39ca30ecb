import { MODEL_IMPORT_MAX_BYTES, MODEL_UPLOAD_PART_BYTES, type VitalsCommands } from '../../../shared/api';
import type { ModelEntry } from '../../../shared/types';

/** The part of a browser File this needs (so the pairing is testable without a DOM). */
export interface PickedFile {
  name: string;
  size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
  text(): Promise<string>;
}

/** A model to import: the `.onnx` and its manifest (null when it was not among the files). */
export interface ModelPick<F extends PickedFile = PickedFile> {
  onnx: F;
  manifest: F | null;
}

/**
 * Pairs each `.onnx` of the picked or dropped files with its `<model>.onnx.json`. A manifest
 * without its model is an error naming the missing file; a model without its manifest is kept
 * (the engine refuses it, naming the manifest), so the user sees which file to add.
 */
export function pairModelFiles<F extends PickedFile>(files: readonly F[]): { picks: ModelPick<F>[]; errors: string[] } {
  const byName = new Map(files.map((f) => [f.name, f]));
  const picks = files.filter((f) => /\.onnx$/i.test(f.name)).map((onnx) => ({ onnx, manifest: byName.get(`${onnx.name}.json`) ?? null }));
  const errors: string[] = [];
  for (const f of files) {
    if (/\.onnx\.json$/i.test(f.name) && !byName.has(f.name.slice(0, -'.json'.length))) errors.push(`${f.name.slice(0, -'.json'.length)} is missing: pick or drop it together with its manifest ${f.name}`);
    else if (!/\.onnx(\.json)?$/i.test(f.name)) errors.push(`${f.name}: not a model file (a model is an .onnx with its .onnx.json manifest)`);
  }
  if (files.length > 0 && picks.length === 0 && errors.length === 0) errors.push('no .onnx file among them');
  return { picks, errors };
}

/** Base64 of bytes, in slices small enough for String.fromCharCode's argument list. */
function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Sends a picked model to the engine in parts (onProgress: 0..1 of its bytes) and imports it. */
export async function importPickedModel(
  api: Pick<VitalsCommands, 'uploadModelPart' | 'importModel'>,
  pick: ModelPick,
  onProgress: (fraction: number) => void = () => undefined,
): Promise<ModelEntry> {
  const mb = (n: number) => Math.round(n / (1024 * 1024));
  if (pick.onnx.size > MODEL_IMPORT_MAX_BYTES) throw new Error(`${pick.onnx.name} is ${mb(pick.onnx.size)} MB; an import takes at most ${mb(MODEL_IMPORT_MAX_BYTES)} MB`);
  const bytes = new Uint8Array(await pick.onnx.arrayBuffer());
  const uploadId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  for (let offset = 0; offset === 0 || offset < bytes.length; offset += MODEL_UPLOAD_PART_BYTES) {
    await api.uploadModelPart(uploadId, offset, base64(bytes.subarray(offset, offset + MODEL_UPLOAD_PART_BYTES)));
    onProgress(Math.min(1, (offset + MODEL_UPLOAD_PART_BYTES) / Math.max(1, bytes.length)));
  }
  return api.importModel({ uploadId, fileName: pick.onnx.name, manifest: pick.manifest ? await pick.manifest.text() : null });
}

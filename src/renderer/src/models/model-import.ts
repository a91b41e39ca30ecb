import { MODEL_IMPORT_MAX_BYTES, type VitalsCommands } from '../../../shared/api';
import type { ModelEntry } from '../../../shared/types';
import { uploadFile, type PickedFile } from '../upload-file';

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

/** Sends a picked model to the engine in parts (onProgress: 0..1 of its bytes) and imports it. */
export async function importPickedModel(
  api: Pick<VitalsCommands, 'uploadModelPart' | 'importModel'>,
  pick: ModelPick,
  onProgress: (fraction: number) => void = () => undefined,
): Promise<ModelEntry> {
  const mb = (n: number) => Math.round(n / (1024 * 1024));
  if (pick.onnx.size > MODEL_IMPORT_MAX_BYTES) throw new Error(`${pick.onnx.name} is ${mb(pick.onnx.size)} MB; an import takes at most ${mb(MODEL_IMPORT_MAX_BYTES)} MB`);
  const uploadId = await uploadFile((id, offset, part) => api.uploadModelPart(id, offset, part), pick.onnx, onProgress);
  return api.importModel({ uploadId, fileName: pick.onnx.name, manifest: pick.manifest ? await pick.manifest.text() : null });
}

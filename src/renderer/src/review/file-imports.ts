import { SESSION_FILE_UPLOAD_MAX_BYTES, type VitalsCommands } from '../../../shared/api';
import { importPickedModel, pairModelFiles } from '../models/model-import';
import { uploadFile, type PickedFile } from '../upload-file';

/** One dropped or picked file on its way in. */
export interface FileImport {
  name: string;
  state: 'uploading' | 'importing' | 'failed' | 'model';
  /** 0..1 of its upload. */
  fraction: number;
  /** The import job reading it (its progress, outcome and new sessions come with the engine's jobs). */
  jobId?: number;
  /** A WFDB record's signal or annotation file: the `.hea` whose import reads it. */
  partOf?: string;
  error?: string;
}

export type ImportApi = Pick<VitalsCommands, 'uploadImportPart' | 'importUploads' | 'uploadModelPart' | 'importModel'>;

const isModelFile = (name: string): boolean => /\.onnx(\.json)?$/i.test(name);

/**
 * Imports dropped or picked files: `.onnx` models (with their `.onnx.json`) go to the model
 * import; every other file is uploaded into the library's imports folder, the files of one drop
 * together (a WFDB record's `.hea`, `.dat` and `.atr`), and each gets its import job, whose error
 * says what it cannot read. `update` gets the files' states as they change.
 */
export async function importFiles(api: ImportApi, files: readonly PickedFile[], update: (imports: FileImport[]) => void): Promise<void> {
  const entries: FileImport[] = files.map((f) => ({ name: f.name, state: 'uploading', fraction: 0 }));
  const publish = (): void => update(entries.map((e) => ({ ...e })));
  const at = (name: string): FileImport => entries.find((e) => e.name === name)!;
  const fail = (name: string, error: unknown): void => {
    Object.assign(at(name), { state: 'failed', error: error instanceof Error ? error.message : String(error) });
  };
  publish();

  const { picks, errors } = pairModelFiles(files.filter((f) => isModelFile(f.name)));
  for (const pick of picks) {
    try {
      await importPickedModel(api, pick, (fraction) => (Object.assign(at(pick.onnx.name), { fraction }), publish()));
      Object.assign(at(pick.onnx.name), { state: 'model', fraction: 1 });
      if (pick.manifest) Object.assign(at(pick.manifest.name), { state: 'model', fraction: 1, partOf: pick.onnx.name });
    } catch (error) {
      fail(pick.onnx.name, error);
    }
    publish();
  }
  // A manifest without its model: the pairing's error names the missing file.
  for (const error of errors) {
    const manifest = files.find((f) => isModelFile(f.name) && error.includes(f.name));
    if (manifest) fail(manifest.name, error);
  }

  const uploaded: { uploadId: string; fileName: string }[] = [];
  for (const file of files.filter((f) => !isModelFile(f.name))) {
    try {
      if (file.size > SESSION_FILE_UPLOAD_MAX_BYTES) throw new Error(`${file.name} is over ${SESSION_FILE_UPLOAD_MAX_BYTES / 1024 ** 3} GB, the most an import takes`);
      const uploadId = await uploadFile((id, offset, part) => api.uploadImportPart(id, offset, part), file, (fraction) => (Object.assign(at(file.name), { fraction }), publish()));
      uploaded.push({ uploadId, fileName: file.name });
    } catch (error) {
      fail(file.name, error);
    }
    publish();
  }
  if (uploaded.length === 0) return;
  try {
    for (const result of await api.importUploads(uploaded)) {
      const entry = at(result.fileName);
      if (result.error) fail(result.fileName, result.error);
      else Object.assign(entry, { state: 'importing', fraction: 1, ...(result.job ? { jobId: result.job.id } : {}), ...(result.partOf ? { partOf: result.partOf } : {}) });
    }
  } catch (error) {
    for (const u of uploaded) fail(u.fileName, error);
  }
  publish();
}

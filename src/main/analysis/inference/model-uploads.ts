/**
 * Model files sent to the engine in parts (the web face takes at most 256 KB a request), held in
 * memory until `importModel` takes them. Parts must come in order; an upload over the import limit
 * is dropped with an error, and one left unfinished is forgotten after a while.
 */
import { MODEL_IMPORT_MAX_BYTES } from '../../../shared/api';

/** An upload with no new part for this long is forgotten. */
const IDLE_MS = 10 * 60 * 1000;

interface Upload {
  parts: Buffer[];
  bytes: number;
  touchedAt: number;
}

export class ModelUploads {
  private readonly uploads = new Map<string, Upload>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Appends `base64`'s bytes at `offset` (the bytes received so far) to upload `id`; returns the bytes received. */
  append(id: string, offset: number, base64: string): number {
    this.forgetIdle();
    const upload = this.uploads.get(id) ?? { parts: [], bytes: 0, touchedAt: 0 };
    if (offset !== upload.bytes) throw new Error(`model upload ${id}: a part at byte ${offset}, but ${upload.bytes} bytes have arrived (parts go in order, from 0)`);
    const part = Buffer.from(base64, 'base64');
    if (upload.bytes + part.length > MODEL_IMPORT_MAX_BYTES) {
      this.uploads.delete(id);
      throw new Error(`the model file is over ${MODEL_IMPORT_MAX_BYTES / (1024 * 1024)} MB, the most an import takes`);
    }
    upload.parts.push(part);
    upload.bytes += part.length;
    upload.touchedAt = this.now();
    this.uploads.set(id, upload);
    return upload.bytes;
  }

  /** The whole of upload `id`, which is then forgotten. */
  take(id: string): Buffer {
    this.forgetIdle();
    const upload = this.uploads.get(id);
    if (!upload) throw new Error(`no model upload ${id}: send its file first (unfinished uploads are forgotten after ${IDLE_MS / 60_000} minutes)`);
    this.uploads.delete(id);
    return Buffer.concat(upload.parts);
  }

  private forgetIdle(): void {
    const now = this.now();
    for (const [id, u] of this.uploads) if (now - u.touchedAt > IDLE_MS) this.uploads.delete(id);
  }
}

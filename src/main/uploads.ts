/**
 * Files sent to the engine in parts (the web face takes at most 256 KB a request): a model to
 * import, or the files of a session to import. Parts must come in order and are appended to a
 * file in `dir` as they arrive, so a large recording never sits in memory; an upload over the
 * limit is removed with an error, and one left unfinished is removed after a while.
 */
import { appendFileSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** An upload with no new part for this long is forgotten. */
const IDLE_MS = 10 * 60 * 1000;

interface Upload {
  file: string;
  bytes: number;
  touchedAt: number;
}

export interface UploadsOptions {
  /** Where parts are gathered (made when the first part arrives). */
  dir: string;
  maxBytes: number;
  /** What is uploaded, for the errors: "model", "session file". */
  what: string;
  now?: () => number;
}

export class Uploads {
  private readonly uploads = new Map<string, Upload>();
  private readonly now: () => number;

  constructor(private readonly options: UploadsOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Appends `base64`'s bytes at `offset` (the bytes received so far) to upload `id`; returns the bytes received. */
  append(id: string, offset: number, base64: string): number {
    this.forgetIdle();
    const { what, maxBytes, dir } = this.options;
    const upload = this.uploads.get(id) ?? { file: join(dir, `${id}.upload`), bytes: 0, touchedAt: 0 };
    if (offset !== upload.bytes) throw new Error(`${what} upload ${id}: a part at byte ${offset}, but ${upload.bytes} bytes have arrived (parts go in order, from 0)`);
    const part = Buffer.from(base64, 'base64');
    if (upload.bytes + part.length > maxBytes) {
      this.forget(id);
      throw new Error(`the ${what} file is over ${formatMb(maxBytes)}, the most an import takes`);
    }
    if (upload.bytes === 0) {
      mkdirSync(dir, { recursive: true });
      rmSync(upload.file, { force: true });
    }
    appendFileSync(upload.file, part);
    upload.bytes += part.length;
    upload.touchedAt = this.now();
    this.uploads.set(id, upload);
    return upload.bytes;
  }

  /** The whole of upload `id` as bytes; the upload is then forgotten. */
  take(id: string): Buffer {
    const file = this.finished(id);
    try {
      return readFileSync(file);
    } finally {
      rmSync(file, { force: true });
    }
  }

  /** Moves the whole of upload `id` to `path` (its folder must exist); the upload is then forgotten. */
  moveTo(id: string, path: string): void {
    renameSync(this.finished(id), path);
  }

  private finished(id: string): string {
    this.forgetIdle();
    const upload = this.uploads.get(id);
    if (!upload) throw new Error(`no ${this.options.what} upload ${id}: send its file first (unfinished uploads are forgotten after ${IDLE_MS / 60_000} minutes)`);
    this.uploads.delete(id);
    return upload.file;
  }

  private forget(id: string): void {
    const upload = this.uploads.get(id);
    if (upload) rmSync(upload.file, { force: true });
    this.uploads.delete(id);
  }

  private forgetIdle(): void {
    const now = this.now();
    for (const [id, u] of this.uploads) if (now - u.touchedAt > IDLE_MS) this.forget(id);
  }
}

function formatMb(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${bytes / 1024 ** 3} GB` : `${bytes / 1024 ** 2} MB`;
}

import { UPLOAD_PART_BYTES } from '../../shared/api';

/** The part of a browser File an upload needs (so it is testable without a DOM). */
export interface PickedFile {
  name: string;
  size: number;
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
  text(): Promise<string>;
}

/** Base64 of bytes, in slices small enough for String.fromCharCode's argument list. */
function base64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * Sends a file to the engine in base64 parts of UPLOAD_PART_BYTES, in order, through `sendPart`
 * (uploadModelPart or uploadImportPart); onProgress: 0..1 of its bytes. Returns the upload's id,
 * which the import that takes the file names.
 */
export async function uploadFile(
  sendPart: (uploadId: string, offset: number, base64: string) => Promise<number>,
  file: PickedFile,
  onProgress: (fraction: number) => void = () => undefined,
): Promise<string> {
  const uploadId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  // A slice at a time, so a recording of gigabytes is never in memory whole.
  for (let offset = 0; offset === 0 || offset < file.size; offset += UPLOAD_PART_BYTES) {
    const bytes = new Uint8Array(await file.slice(offset, offset + UPLOAD_PART_BYTES).arrayBuffer());
    await sendPart(uploadId, offset, base64(bytes));
    onProgress(Math.min(1, (offset + UPLOAD_PART_BYTES) / Math.max(1, file.size)));
  }
  return uploadId;
}

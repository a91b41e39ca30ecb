import { describe, expect, it } from 'vitest';
import { importPickedModel, pairModelFiles } from '../../src/renderer/src/models/model-import';
import type { PickedFile } from '../../src/renderer/src/upload-file';
import { addFrame, SERIES_SECONDS } from '../../src/renderer/src/models/model-series';
import { MODEL_IMPORT_MAX_BYTES, UPLOAD_PART_BYTES } from '../../src/shared/api';
import { parseRoute, routeHash } from '../../src/renderer/src/routes';
import type { LiveFrame } from '../../src/shared/api';

const frame = (blocks: LiveFrame['blocks']): LiveFrame => ({ sentAt: 0, blocks, marks: [] });

describe('the Models view', () => {
  it('has the route #/models', () => {
    expect(parseRoute('#/models')).toEqual({ view: 'models' });
    expect(routeHash({ view: 'models' })).toBe('#/models');
  });

  it('keeps the newest minute of a model output stream, channel-major blocks split per output', () => {
    const key = 'sim/ecg.m';
    let points = addFrame([], frame([{ key, t0: 100, dt: 0.5, n: 2, channels: 2, data: Float32Array.of(0.1, 0.2, 0.9, 0.8), arrivedAt: 0 }]), key);
    expect(points).toEqual([
      { t: 100, values: [Float32Array.of(0.1)[0], Float32Array.of(0.9)[0]] },
      { t: 100.5, values: [Float32Array.of(0.2)[0], Float32Array.of(0.8)[0]] },
    ]);
    // Other streams are not its outputs; a frame without any leaves the points as they were.
    expect(addFrame(points, frame([{ key: 'sim/ecg', t0: 0, dt: 1, n: 1, channels: 1, data: Float32Array.of(1), arrivedAt: 0 }]), key)).toBe(points);
    points = addFrame(points, frame([{ key, t0: 100 + SERIES_SECONDS + 0.25, dt: 0, n: 1, channels: 2, data: Float32Array.of(0.5, 0.5), arrivedAt: 0 }]), key);
    expect(points.map((p) => p.t)).toEqual([100.5, 160.25]);
  });
});

/** A picked file with `size` bytes counting up from 0. */
const picked = (name: string, size = 3): PickedFile => ({
  name,
  size,
  slice: (a: number, b: number) => ({ arrayBuffer: async () => Uint8Array.from({ length: size }, (_, i) => i % 251).slice(a, b).buffer }),
  text: async () => `{"of": "${name}"}`,
});

describe('importing models from picked or dropped files', () => {
  it('pairs each .onnx with its manifest and names what is missing or not a model file', () => {
    const [a, aJson, b, cJson, notes] = [picked('a.onnx'), picked('a.onnx.json'), picked('b.onnx'), picked('c.onnx.json'), picked('notes.txt')];
    const { picks, errors } = pairModelFiles([aJson, a, b, cJson, notes]);
    expect(picks).toEqual([
      { onnx: a, manifest: aJson },
      { onnx: b, manifest: null },
    ]);
    expect(errors).toEqual(['c.onnx is missing: pick or drop it together with its manifest c.onnx.json', 'notes.txt: not a model file (a model is an .onnx with its .onnx.json manifest)']);
  });

  it('sends the file in base64 parts in order, then imports it with its manifest; refuses a file over the limit before sending it', async () => {
    const calls: unknown[][] = [];
    const received: number[] = [];
    const api = {
      uploadModelPart: async (id: string, offset: number, data: string) => {
        const bytes = [...atob(data)].map((c) => c.charCodeAt(0));
        calls.push(['part', id, offset, bytes.length]);
        for (const b of bytes) received.push(b);
        return offset + bytes.length;
      },
      importModel: async (m: { uploadId: string; fileName: string; manifest: string | null }) => (calls.push(['import', m]), { id: 'imported/a', bundled: false, file: '/x', name: 'a' }),
    };
    const size = 2 * UPLOAD_PART_BYTES + 5;
    const progress: number[] = [];
    const file = picked('a.onnx', size);
    await importPickedModel(api, { onnx: file, manifest: picked('a.onnx.json') }, (f) => progress.push(f));
    const id = calls[0][1];
    expect(calls).toEqual([
      ['part', id, 0, UPLOAD_PART_BYTES],
      ['part', id, UPLOAD_PART_BYTES, UPLOAD_PART_BYTES],
      ['part', id, 2 * UPLOAD_PART_BYTES, 5],
      ['import', { uploadId: id, fileName: 'a.onnx', manifest: '{"of": "a.onnx.json"}' }],
    ]);
    expect(received).toEqual([...new Uint8Array(await file.slice(0, size).arrayBuffer())]);
    expect(progress.at(-1)).toBe(1);
    await expect(importPickedModel(api, { onnx: picked('big.onnx', MODEL_IMPORT_MAX_BYTES + 1), manifest: null })).rejects.toThrow('big.onnx is 100 MB; an import takes at most 100 MB');
    expect(calls.length).toBe(4);
  });
});


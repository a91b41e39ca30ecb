import { describe, expect, it } from 'vitest';
import { exportRequest, type ExportChoice } from '../../src/renderer/src/review/export-request';
import { importFiles, type FileImport, type ImportApi } from '../../src/renderer/src/review/file-imports';
import type { PickedFile } from '../../src/renderer/src/upload-file';
import type { UploadedImport } from '../../src/shared/api';
import { EXPORT_FORMAT_IDS, EXPORT_FORMATS } from '../../src/shared/export-formats';
import type { JobState } from '../../src/shared/types';

const ALL = ['sim/ecg', 'sim/ppg', 'sim/ecg.metrics'];
const choice = (over: Partial<ExportChoice>): ExportChoice => ({ format: 'csv', range: { kind: 'whole' }, streams: ALL, allStreams: ALL, duration: 120, ...over });

describe('the export dialog\'s choices as an ExportRequest', () => {
  it('the whole session with every stream is the plain export', () => {
    expect(exportRequest(choice({ format: 'edf' }))).toEqual({ format: 'edf' });
    // The review's view of the whole session too.
    expect(exportRequest(choice({ range: { kind: 'view', t0: 0, t1: 120.0001 } }))).toEqual({ format: 'csv' });
  });

  it('some streams: their keys in the session\'s order; none is refused', () => {
    expect(exportRequest(choice({ streams: ['sim/ecg.metrics', 'sim/ecg'] }))).toEqual({ format: 'csv', streams: ['sim/ecg', 'sim/ecg.metrics'] });
    expect(() => exportRequest(choice({ streams: [] }))).toThrow('Choose at least one stream');
  });

  it('typed seconds: either end open; not numbers, outside the session or backwards are refused, naming the field', () => {
    expect(exportRequest(choice({ range: { kind: 'custom', from: '10', to: '' } }))).toEqual({ format: 'csv', range: { from: 10 } });
    expect(exportRequest(choice({ range: { kind: 'custom', from: ' ', to: '30.5' } }))).toEqual({ format: 'csv', range: { to: 30.5 } });
    expect(exportRequest(choice({ range: { kind: 'custom', from: '', to: '' } }))).toEqual({ format: 'csv' });
    expect(() => exportRequest(choice({ range: { kind: 'custom', from: 'ten', to: '' } }))).toThrow('From: "ten" is not a number of seconds');
    expect(() => exportRequest(choice({ range: { kind: 'custom', from: '', to: '500' } }))).toThrow('To: 500 s is outside the session (0 to 120 s)');
    expect(() => exportRequest(choice({ range: { kind: 'custom', from: '20', to: '20' } }))).toThrow('To (20 s) must be after From (20 s)');
  });

  it('the review\'s view or selection: to the millisecond, within the session', () => {
    expect(exportRequest(choice({ range: { kind: 'selection', t0: 42.00049, t1: 12.3456 }, streams: ['sim/ppg'] }))).toEqual({ format: 'csv', range: { from: 12.346, to: 42 }, streams: ['sim/ppg'] });
    expect(exportRequest(choice({ range: { kind: 'view', t0: -5, t1: 30 } }))).toEqual({ format: 'csv', range: { from: 0, to: 30 } });
    expect(() => exportRequest(choice({ range: { kind: 'view', t0: 130, t1: 140 } }))).toThrow('the view holds no time of the session');
  });

  it('every format has a label and a line on what it is for (the dialog and the CLI help list the same)', () => {
    expect(EXPORT_FORMAT_IDS).toEqual(['csv', 'edf', 'bdf', 'wfdb', 'parquet']);
    for (const f of EXPORT_FORMAT_IDS) expect(EXPORT_FORMATS[f].description.length).toBeGreaterThan(10);
  });
});

const file = (name: string, text = `bytes of ${name}`): PickedFile => {
  const bytes = new TextEncoder().encode(text);
  return { name, size: bytes.length, slice: (a, b) => ({ arrayBuffer: async () => bytes.slice(a, b).buffer }), text: async () => text };
};

describe('files dropped on the window', () => {
  it('models go to the model import, the rest are uploaded together and imported; per-file states and errors', async () => {
    const calls: string[] = [];
    const parts = new Map<string, string>();
    const job = (id: number): JobState => ({ id, kind: 'import-session-file', title: '', sessionId: 0, state: 'running', startedAt: 0, endedAt: null, progress: { fraction: 0, stage: '', samplesDone: 0, samplesTotal: 0, bytesWritten: 0, etaSeconds: null } });
    const api: ImportApi = {
      uploadModelPart: async (id, offset, b64) => (calls.push(`model part ${offset}`), parts.set(id, atob(b64)), offset + atob(b64).length),
      importModel: async (m) => (calls.push(`import model ${m.fileName} with ${m.manifest}`), { id: 'imported/m', name: 'm', file: '/m.onnx', bundled: false }),
      uploadImportPart: async (id, offset, b64) => (calls.push(`part ${offset}`), parts.set(id, atob(b64)), offset + atob(b64).length),
      importUploads: async (files) => {
        calls.push(`import ${files.map((f) => `${f.fileName}=${parts.get(f.uploadId)}`).join(' ')}`);
        return files.map((f, i): UploadedImport => (f.fileName === '100.dat' ? { fileName: f.fileName, path: `/i/${f.fileName}`, partOf: '100.hea' } : f.fileName === 'x.edf' ? { fileName: f.fileName, path: '', error: 'cannot start' } : { fileName: f.fileName, path: `/i/${f.fileName}`, job: job(i + 1) }));
      },
    };
    let last: FileImport[] = [];
    await importFiles(api, [file('100.hea'), file('m.onnx'), file('m.onnx.json', '{}'), file('100.dat'), file('x.edf'), file('lonely.onnx.json')], (e) => (last = e));
    expect(calls).toEqual(['model part 0', 'import model m.onnx with {}', 'part 0', 'part 0', 'part 0', 'import 100.hea=bytes of 100.hea 100.dat=bytes of 100.dat x.edf=bytes of x.edf']);
    expect(last.map((e) => [e.name, e.state, e.jobId ?? e.partOf ?? e.error ?? null])).toEqual([
      ['100.hea', 'importing', 1],
      ['m.onnx', 'model', null],
      ['m.onnx.json', 'model', 'm.onnx'],
      ['100.dat', 'importing', '100.hea'],
      ['x.edf', 'failed', 'cannot start'],
      ['lonely.onnx.json', 'failed', 'lonely.onnx is missing: pick or drop it together with its manifest lonely.onnx.json'],
    ]);
  });
});

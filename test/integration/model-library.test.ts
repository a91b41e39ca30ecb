import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/main/command-args';
import { createEngine, type Engine } from '../../src/main/engine';
import { MODEL_IMPORT_MAX_BYTES, UPLOAD_PART_BYTES } from '../../src/shared/api';
import { cliOn } from '../helpers/cli';
import { tempDir } from '../helpers/temp-dir';

const FIXTURES = join(__dirname, '../fixtures/models');
const BUNDLED = join(__dirname, '../../resources/models/pvc/pvc.onnx');
const read = (file: string) => readFileSync(file);
const manifestOf = (file: string) => readFileSync(`${file}.json`, 'utf8');

/** Sends `bytes` as the renderer does, in parts of `part` bytes, then imports them with `manifest`. */
async function importThroughApi(engine: Engine, uploadId: string, fileName: string, bytes: Buffer, manifest: string | null, part = UPLOAD_PART_BYTES) {
  for (let offset = 0; offset === 0 || offset < bytes.length; offset += part) {
    const received = await engine.uploadModelPart(uploadId, offset, bytes.subarray(offset, offset + part).toString('base64'));
    expect(received).toBe(Math.min(bytes.length, offset + part));
  }
  return engine.importModel({ uploadId, fileName, manifest });
}

describe('the model list through the engine API, on a real library folder', () => {
  const dir = tempDir('model-library');
  const models = join(dir.path, 'models');
  let engine: Engine;
  beforeAll(async () => {
    engine = await createEngine({ dbPath: join(dir.path, 'library.db') });
  });
  afterAll(async () => {
    await engine.close();
    dir.cleanup();
  });

  it('lists the bundled PVC model with its manifest summary', async () => {
    const list = await engine.listModels();
    expect(list).toEqual([
      expect.objectContaining({ id: 'bundled/pvc', bundled: true, file: expect.stringMatching(/resources\/models\/pvc\/pvc\.onnx$/), name: 'pvc', trigger: 'beats', kind: 'ecg', labels: ['N', 'V'] }),
    ]);
    expect(list[0].error).toBeUndefined();
  });

  it('imports a model sent in parts, keeps it beside the library, lists it, attaches nothing by itself, and removes it', async () => {
    const bytes = read(BUNDLED);
    const entry = await importThroughApi(engine, 'up-1', 'pvc-copy.onnx', bytes, manifestOf(BUNDLED), 4096);
    expect(entry).toMatchObject({ id: 'imported/pvc-copy', bundled: false, name: 'pvc', labels: ['N', 'V'], file: join(models, 'pvc-copy', 'pvc-copy.onnx') });
    expect(read(entry.file).equals(bytes)).toBe(true);
    expect(readFileSync(`${entry.file}.json`, 'utf8')).toBe(manifestOf(BUNDLED));
    expect((await engine.listModels()).map((m) => m.id)).toEqual(['bundled/pvc', 'imported/pvc-copy']);
    // What was kept loads as it was checked.
    expect(await engine.inspectModel(entry.file)).toMatchObject({ name: 'pvc', trigger: 'beats' });
    await expect(importThroughApi(engine, 'up-2', 'pvc-copy.onnx', bytes, manifestOf(BUNDLED))).rejects.toThrow(/a model named "pvc-copy" is already imported .*: remove it first/);
    await expect(engine.removeModel('bundled/pvc')).rejects.toThrow('pvc is bundled with the app: it cannot be removed');
    await engine.removeModel('imported/pvc-copy');
    expect(existsSync(join(models, 'pvc-copy'))).toBe(false);
    expect((await engine.listModels()).map((m) => m.id)).toEqual(['bundled/pvc']);
    await expect(engine.removeModel('imported/pvc-copy')).rejects.toThrow('no model "imported/pvc-copy" in the list');
  });

  it('refuses a broken model, a manifest that does not match the graph, or a missing manifest, with the error, keeping nothing', async () => {
    const opset = read(join(FIXTURES, 'future-opset.onnx'));
    await expect(importThroughApi(engine, 'bad-1', 'future-opset.onnx', opset, manifestOf(join(FIXTURES, 'window-stats.onnx')))).rejects.toThrow(
      'future-opset.onnx: opset 99 is not supported (onnxruntime supports ai.onnx up to opset',
    );
    const stats = read(join(FIXTURES, 'window-stats.onnx'));
    await expect(importThroughApi(engine, 'bad-2', 'window-stats.onnx', stats, manifestOf(join(FIXTURES, 'beat-rr.onnx')))).rejects.toThrow(
      'window-stats.onnx.json: inputs[1].name: "rr" is not an input of window-stats.onnx (its inputs: "x")',
    );
    await expect(importThroughApi(engine, 'bad-3', 'window-stats.onnx', stats, '{"name": ')).rejects.toThrow(/^window-stats\.onnx\.json: not JSON/);
    await expect(importThroughApi(engine, 'bad-4', 'window-stats.onnx', stats, null)).rejects.toThrow(
      'window-stats.onnx.json is missing: a model needs its manifest beside it (import the two files together)',
    );
    await expect(importThroughApi(engine, 'bad-5', 'notes.txt', stats, '{}')).rejects.toThrow('notes.txt: not an .onnx file');
    // Nothing kept: no model folder, no staging folder.
    expect(readdirSync(models)).toEqual([]);
    expect((await engine.listModels()).map((m) => m.id)).toEqual(['bundled/pvc']);
  });

  it('refuses parts out of order, an unknown upload, and a file over the limit', async () => {
    await engine.uploadModelPart('order', 0, Buffer.alloc(10).toString('base64'));
    await expect(engine.uploadModelPart('order', 20, 'AAAA')).rejects.toThrow('model upload order: a part at byte 20, but 10 bytes have arrived (parts go in order, from 0)');
    await expect(engine.importModel({ uploadId: 'never', fileName: 'x.onnx', manifest: '{}' })).rejects.toThrow(/^no model upload never: send its file first/);
    const part = Buffer.alloc(UPLOAD_PART_BYTES).toString('base64');
    let offset = 0;
    let error: Error | null = null;
    while (!error && offset <= MODEL_IMPORT_MAX_BYTES) {
      offset = await engine.uploadModelPart('huge', offset, part).catch((e: Error) => ((error = e), offset));
    }
    expect(error!.message).toBe('the model file is over 100 MB, the most an import takes');
    // The oversize upload is gone.
    await expect(engine.importModel({ uploadId: 'huge', fileName: 'x.onnx', manifest: '{}' })).rejects.toThrow(/^no model upload huge/);
  });

  it('the faces check the upload arguments: base64 only, one part at most, an id of safe characters', () => {
    expect(() => parseCommand('uploadModelPart', ['a', 0, 'not base64!'])).toThrow(/bad arguments for uploadModelPart: .*not base64/s);
    expect(() => parseCommand('uploadModelPart', ['a', 0, 'A'.repeat(200_000)])).toThrow(/bad arguments for uploadModelPart/);
    expect(() => parseCommand('uploadModelPart', ['../x', 0, ''])).toThrow(/bad arguments for uploadModelPart/);
    expect(parseCommand('importModel', [{ uploadId: 'a', fileName: 'm.onnx', manifest: null }]).args).toEqual([{ uploadId: 'a', fileName: 'm.onnx', manifest: null }]);
  });
});

describe('vitalscope models', () => {
  const dir = tempDir('models-cli');
  afterAll(() => dir.cleanup());
  const cli = cliOn(join(dir.path, 'lib.db'));

  it('lists, imports (checked first), and removes models; errors are one line, usage errors exit 2', { timeout: 60_000 }, async () => {
    const listed = await cli('models', '--json');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ id: 'bundled/pvc', name: 'pvc', trigger: 'beats', labels: ['N', 'V'] })]);
    const imported = await cli('models', 'import', join(FIXTURES, 'beat-rr.onnx'));
    expect(imported).toMatchObject({ code: 0, stdout: 'imported/beat-rr\n', stderr: `imported beat-rr into ${join(dir.path, 'models', 'beat-rr')}\n` });
    const text = await cli('models');
    expect(text.stdout.split('\n')[1]).toBe(`imported/beat-rr\tbeat-rr\t1 · per beat on ecg · N/V\t${join(dir.path, 'models', 'beat-rr', 'beat-rr.onnx')}`);
    const broken = await cli('models', 'import', join(FIXTURES, 'future-opset.onnx'));
    expect(broken.code).toBe(1);
    expect(broken.stderr).toBe(`vitalscope models: ${join(FIXTURES, 'future-opset.onnx.json')} is missing: a model needs its manifest beside it\n`);
    const again = await cli('models', 'import', join(FIXTURES, 'beat-rr.onnx'));
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^vitalscope models: a model named "beat-rr" is already imported .*: remove it first\n$/);
    expect(await cli('models', 'remove', 'imported/beat-rr')).toMatchObject({ code: 0 });
    expect(JSON.parse((await cli('models', '--json')).stdout).map((m: { id: string }) => m.id)).toEqual(['bundled/pvc']);
    expect(readdirSync(join(dir.path, 'models'))).toEqual([]);
    const usage = await cli('models', 'frobnicate');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toBe('vitalscope models: unknown models action "frobnicate": models [--json], models import FILE.onnx, models remove ID (see vitalscope --help)\n');
    expect((await cli('models', 'import')).code).toBe(2);
  });
});

/**
 * The bundled PVC model's training data: beat windows, their templates and RR features from the
 * MIT-BIH records in ../shared/data/ecg/mitdb, built by the model host's own code (`prepareWindows`,
 * which `vitalscope infer` runs, with the definitions resources/models/pvc/pvc.onnx.json declares),
 * so training and inference cannot drift apart; labelled from the reference annotations and written
 * as NumPy arrays for scripts/train_pvc.py. Derived data stays in the ignored output folder.
 *
 * Run: node --import tsx scripts/pvc-dataset.ts [OUT_DIR]   (default .pvc-dataset/)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readWfdbRecord } from '../src/main/analysis/offline/load-input';
import { isBeatCode, parseMitAnnotations } from '../src/main/formats/wfdb';
import { parseManifest, type ModelManifest } from '../src/main/analysis/inference/manifest';
import { prepareWindows, type PreparedWindow } from '../src/main/analysis/inference/infer';
import { modelInputs } from '../src/main/analysis/inference/windowing';
import { aamiClass, type AamiClass } from '../src/main/analysis/evaluation/aami-classes';
import { pairBeats } from '../src/main/analysis/evaluation/beat-matching';

const ROOT = join(import.meta.dirname, '..');
export const MITDB = join(ROOT, '..', 'shared', 'data', 'ecg', 'mitdb');
export const MANIFEST = join(ROOT, 'resources', 'models', 'pvc', 'pvc.onnx.json');

/** de Chazal et al. 2004 inter-patient training set; 100 and 105 (of DS2) only for the smoke test. */
const DS1 = ['101', '106', '108', '109', '112', '114', '115', '116', '118', '119', '122', '124', '201', '203', '205', '207', '208', '209', '215', '220', '223', '230'];
const SMOKE = ['100', '105'];

/** Training labels by AAMI class: N = 0, V (VEB) = 1; S, F and Q beats are skipped. */
const LABEL: Partial<Record<AamiClass, 0 | 1>> = { N: 0, V: 1 };

function trainingLabel(code: number): 0 | 1 | undefined {
  const c = aamiClass(code);
  return c ? LABEL[c] : undefined;
}
const TOLERANCE_SEC = 0.15;

/** MLII is channel 0 of every record but 114, where the leads are swapped. */
function mlii(signals: { label: string }[]): number {
  const k = signals.findIndex((s) => s.label.toUpperCase() === 'MLII');
  return k >= 0 ? k : 0;
}

export function loadManifest(): ModelManifest {
  return parseManifest(JSON.parse(readFileSync(MANIFEST, 'utf8')), MANIFEST);
}

export interface LabelledBeat extends PreparedWindow {
  /** 0 = N, 1 = V. */
  label: 0 | 1;
}

/** The record's detected beats of class N or V, matched to its reference within the tolerance, as the host feeds them to `manifest`'s model. */
export function recordBeats(name: string, manifest: ModelManifest) {
  const inputs = modelInputs(manifest);
  const rec = readWfdbRecord(join(MITDB, `${name}.hea`));
  const channel = rec.signals[mlii(rec.signals)];
  const ann = parseMitAnnotations(readFileSync(join(MITDB, `${name}.atr`)));
  // Detections are matched against every reference beat, so one next to an S or F beat is not taken for its neighbour.
  const ref = ann.samples.map((s, k) => ({ s, cls: trainingLabel(ann.codes[k]) })).filter((_, k) => isBeatCode(ann.codes[k]));
  const prepared = prepareWindows(inputs, manifest.trigger, [channel], channel.fs);
  const pairs = pairBeats(ref.map((a) => a.s), prepared.beats, Math.round(TOLERANCE_SEC * channel.fs));
  const refOf = new Map(pairs.map(([ri, bi]) => [bi, ri]));
  const beats: LabelledBeat[] = [];
  for (const w of prepared.windows()) {
    const ri = refOf.get(w.beat!);
    const label = ri === undefined ? undefined : ref[ri].cls;
    if (label !== undefined) beats.push({ ...w, label });
  }
  const counts = { refN: ref.filter((a) => a.cls === 0).length, refV: ref.filter((a) => a.cls === 1).length, detected: prepared.beats.length, unmatched: prepared.beats.length - pairs.length };
  return { channel: channel.label, beats, counts };
}

/** A NumPy .npy (format 1.0) file of a C-ordered array. */
function npy(data: Float32Array | Int32Array | Uint8Array, shape: number[]): Buffer {
  const descr = data instanceof Float32Array ? '<f4' : data instanceof Int32Array ? '<i4' : '|u1';
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const pre = Buffer.alloc(10);
  Buffer.from('\x93NUMPY', 'latin1').copy(pre);
  pre[6] = 1;
  pre.writeUInt16LE(header.length, 8);
  return Buffer.concat([pre, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

/** Concatenates the rows of one field of every beat. */
function stack(beats: LabelledBeat[], field: 'signal' | 'rr' | 'template'): Float32Array {
  const width = beats[0].window[field]!.length;
  const out = new Float32Array(beats.length * width);
  beats.forEach((b, k) => out.set(b.window[field]!, k * width));
  return out;
}

function main(): void {
  const out = process.argv[2] ?? join(ROOT, '.pvc-dataset');
  const missing = [...DS1, ...SMOKE].filter((r) => !existsSync(join(MITDB, `${r}.hea`)) || !existsSync(join(MITDB, `${r}.atr`)));
  if (missing.length > 0) {
    console.error(`pvc-dataset: MIT-BIH records missing from ${MITDB}: ${missing.join(', ')}`);
    process.exit(1);
  }
  const manifest = loadManifest();
  const inputs = modelInputs(manifest);
  if (!inputs.rr || !inputs.template || inputs.signal.channels !== 1) throw new Error(`${MANIFEST}: the dataset builder expects one signal channel, an rr and a template input`);
  const all: LabelledBeat[] = [];
  const recordOf: number[] = [];
  const records: Record<string, unknown>[] = [];
  for (const [r, name] of [...DS1, ...SMOKE].entries()) {
    const { channel, beats, counts } = recordBeats(name, manifest);
    const n = beats.filter((b) => b.label === 0).length;
    all.push(...beats);
    recordOf.push(...beats.map(() => r));
    records.push({ record: name, set: DS1.includes(name) ? 'DS1' : 'smoke', channel, N: n, V: beats.length - n, ...counts });
    console.error(`pvc-dataset: ${name} (${channel}): ${n} N, ${beats.length - n} V of ${counts.refN} N, ${counts.refV} V in the reference; ${counts.detected} detected`);
  }
  mkdirSync(out, { recursive: true });
  const n = all.length;
  const width = all[0].window.signal.length;
  writeFileSync(join(out, 'windows.npy'), npy(stack(all, 'signal'), [n, width]));
  writeFileSync(join(out, 'templates.npy'), npy(stack(all, 'template'), [n, width]));
  writeFileSync(join(out, 'rr.npy'), npy(stack(all, 'rr'), [n, inputs.rr.values.length]));
  writeFileSync(join(out, 'labels.npy'), npy(Uint8Array.from(all.map((b) => b.label)), [n]));
  writeFileSync(join(out, 'records.npy'), npy(Int32Array.from(recordOf), [n]));
  const s = inputs.signal;
  const meta = { toleranceSec: TOLERANCE_SEC, classes: ['N', 'V'], rate: s.rate, before: Math.round(s.before * s.rate), after: Math.round(s.after * s.rate), width, values: inputs.rr.values, longBeats: inputs.rr.longBeats, templateBeats: inputs.template.beats, records };
  writeFileSync(join(out, 'meta.json'), JSON.stringify(meta, null, 1));
  console.error(`pvc-dataset: ${n} beats written to ${out}`);
}

if (process.argv[1] === import.meta.filename) main();

/**
 * The bundled PVC model's training data: beat windows and RR features from the MIT-BIH records in
 * ../shared/data/ecg/mitdb, taken with our own reader and detector (the code `vitalscope analyze`
 * runs), labelled from the reference annotations, written as NumPy arrays for scripts/train_pvc.py.
 * The window and RR definitions are the ones resources/models/pvc/pvc.onnx.json declares, so the
 * model host builds the same tensors live. Derived data stays in the ignored output folder.
 *
 * Run: node --import tsx scripts/pvc-dataset.ts [OUT_DIR]   (default .pvc-dataset/)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeEcg } from '../src/main/analysis/offline/analyze';
import { readWfdbRecord } from '../src/main/analysis/offline/load-input';
import { isBeatCode, parseMitAnnotations } from '../src/main/formats/wfdb';
import { parseManifest } from '../src/main/analysis/inference/manifest';
import { aamiClass, type AamiClass } from '../src/main/analysis/evaluation/aami-classes';
import { pairBeats } from '../src/main/analysis/evaluation/beat-matching';

const ROOT = join(import.meta.dirname, '..');
const MITDB = join(ROOT, '..', 'shared', 'data', 'ecg', 'mitdb');
const MANIFEST = join(ROOT, 'resources', 'models', 'pvc', 'pvc.onnx.json');

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
const LOCAL_BEATS = 10;

/** The window and RR definitions, read from the shipped manifest so the two cannot drift apart. */
function definitions() {
  const m = parseManifest(JSON.parse(readFileSync(MANIFEST, 'utf8')), MANIFEST);
  const signal = m.inputs.find((i) => i.source === 'signal')!;
  const rr = m.inputs.find((i) => i.source === 'rr');
  if (!rr || signal.normalise.type !== 'zscore' || signal.channels !== 1) throw new Error(`${MANIFEST}: the dataset builder expects one z-scored channel and an rr input`);
  return { rate: signal.rate, before: Math.round(signal.before * signal.rate), after: Math.round(signal.after * signal.rate), values: rr.values };
}

/**
 * RR features of beat i (seconds): pre, post, local = mean of the up to 10 intervals ending at
 * the beat (pre included), and the ratios. Null for the first and last beat.
 */
function rrFeatures(beats: readonly number[], i: number, fs: number, values: readonly string[]): number[] | null {
  if (i < 1 || i + 1 >= beats.length) return null;
  const pre = (beats[i] - beats[i - 1]) / fs;
  const post = (beats[i + 1] - beats[i]) / fs;
  const from = Math.max(0, i - LOCAL_BEATS);
  const local = (beats[i] - beats[from]) / fs / (i - from);
  const all: Record<string, number> = { pre, post, local, 'pre/local': pre / local, 'post/local': post / local };
  return values.map((v) => all[v]);
}

/** MLII is channel 0 of every record but 114, where the leads are swapped. */
function mlii(signals: { label: string }[]): number {
  const k = signals.findIndex((s) => s.label.toUpperCase() === 'MLII');
  return k >= 0 ? k : 0;
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

function main(): void {
  const out = process.argv[2] ?? join(ROOT, '.pvc-dataset');
  const missing = [...DS1, ...SMOKE].filter((r) => !existsSync(join(MITDB, `${r}.hea`)) || !existsSync(join(MITDB, `${r}.atr`)));
  if (missing.length > 0) {
    console.error(`pvc-dataset: MIT-BIH records missing from ${MITDB}: ${missing.join(', ')}`);
    process.exit(1);
  }
  const def = definitions();
  const width = def.before + def.after;
  const windows: number[] = [];
  const rr: number[] = [];
  const labels: number[] = [];
  const recordOf: number[] = [];
  const records: Record<string, unknown>[] = [];
  for (const [r, name] of [...DS1, ...SMOKE].entries()) {
    const rec = readWfdbRecord(join(MITDB, `${name}.hea`));
    const channel = rec.signals[mlii(rec.signals)];
    if (channel.fs !== def.rate) throw new Error(`record ${name}: ${channel.fs} Hz, the model takes ${def.rate} Hz (resampling is not built into the dataset builder)`);
    const ann = parseMitAnnotations(readFileSync(join(MITDB, `${name}.atr`)));
    // Detections are matched against every reference beat, so one next to an S or F beat is not taken for its neighbour.
    const ref = ann.samples.map((s, k) => ({ s, code: ann.codes[k], cls: trainingLabel(ann.codes[k]) })).filter((a) => isBeatCode(a.code));
    const beats = analyzeEcg(channel).beats;
    const pairs = pairBeats(ref.map((a) => a.s), beats, Math.round(TOLERANCE_SEC * channel.fs));
    const counts = { N: 0, V: 0, refN: ref.filter((a) => a.cls === 0).length, refV: ref.filter((a) => a.cls === 1).length, detected: beats.length, unmatched: beats.length - pairs.length };
    const x = channel.data;
    for (const [ri, bi] of pairs) {
      const cls = ref[ri].cls;
      const b = beats[bi];
      const features = rrFeatures(beats, bi, channel.fs, def.values);
      if (cls === undefined || !features || b - def.before < 0 || b + def.after > x.length) continue;
      for (let k = b - def.before; k < b + def.after; k++) windows.push(x[k]);
      rr.push(...features);
      labels.push(cls);
      recordOf.push(r);
      counts[cls === 1 ? 'V' : 'N']++;
    }
    records.push({ record: name, set: DS1.includes(name) ? 'DS1' : 'smoke', channel: channel.label, ...counts });
    console.error(`pvc-dataset: ${name} (${channel.label}): ${counts.N} N, ${counts.V} V of ${counts.refN} N, ${counts.refV} V in the reference; ${counts.detected} detected`);
  }
  mkdirSync(out, { recursive: true });
  const n = labels.length;
  writeFileSync(join(out, 'windows.npy'), npy(Float32Array.from(windows), [n, width]));
  writeFileSync(join(out, 'rr.npy'), npy(Float32Array.from(rr), [n, def.values.length]));
  writeFileSync(join(out, 'labels.npy'), npy(Uint8Array.from(labels), [n]));
  writeFileSync(join(out, 'records.npy'), npy(Int32Array.from(recordOf), [n]));
  writeFileSync(join(out, 'meta.json'), JSON.stringify({ toleranceSec: TOLERANCE_SEC, classes: ['N', 'V'], ...def, width, records }, null, 1));
  console.error(`pvc-dataset: ${n} beats written to ${out}`);
}

main();

/**
 * Offline model runs stored in a session ("derived sets"): a model's outputs over one recorded
 * stream, with the manifest it ran with, beside the recorded data (never changed). Outputs are
 * columns of compact BLOBs, as corrected beats are. Also the outputs of live models recorded in a
 * session (the derived stream `<stream>.<model>`), read back as marks for the review view.
 */
import type { LiveModelRecord, ModelMarks, ModelRunOutputs, ModelRunSummary, ModelSkipped } from '../../shared/model-runs';
import type { ModelManifest } from '../analysis/inference/manifest';
import type { Library, StoredSession, StoredStream } from './library';
import { sessionOrThrow, streamOrThrow } from './review-queries';

/** One output as the inference host gives it: `sample` counts from the stream's first recorded sample. */
export interface RunOutput {
  sample: number;
  label?: string;
  probs?: number[];
  value?: number;
}

export interface NewModelRun {
  name: string;
  file: string;
  manifest: ModelManifest;
  streamKey: string;
  outputs: readonly RunOutput[];
  skipped: ModelSkipped;
}

interface RunRow {
  id: number;
  name: string;
  model: string;
  file: string;
  manifest: string;
  created_at: number;
  n: number;
  counts: string;
  skipped: string;
  stream_key: string;
}

const SUMMARY_COLUMNS = 'r.id, r.name, r.model, r.file, r.manifest, r.created_at, r.n, r.counts, r.skipped, s.key AS stream_key';

/** Stores a run (from its job's worker, on the job's own writable connection); returns its id. */
export function saveModelRun(library: Library, sessionId: number, run: NewModelRun): number {
  const session = sessionOrThrow(library, sessionId);
  const stream = streamOrThrow(session, run.streamKey);
  const out = run.manifest.output;
  const outputs = [...run.outputs].sort((a, b) => a.sample - b.sample);
  const width = out.type === 'classes' ? out.labels.length : 1;
  const data = new Float32Array(outputs.length * width);
  const label = out.type === 'classes' ? new Uint8Array(outputs.length) : null;
  const counts: Record<string, number> = {};
  outputs.forEach((o, i) => {
    if (out.type === 'classes') {
      data.set(o.probs!, i * width);
      const k = out.labels.indexOf(o.label!);
      label![i] = k;
      counts[o.label!] = (counts[o.label!] ?? 0) + 1;
    } else data[i] = o.value ?? NaN;
  });
  const samples = Float64Array.from(outputs, (o) => o.sample);
  const t = sampleTimes(library, stream.id, samples, session.startedAt);
  const row = library.db
    .prepare(
      `INSERT INTO model_runs (session_id, stream_id, name, model, file, manifest, created_at, n, counts, skipped, t, sample, label, data)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      sessionId,
      stream.id,
      run.name,
      run.manifest.name,
      run.file,
      JSON.stringify(run.manifest),
      Date.now(),
      outputs.length,
      JSON.stringify(counts),
      JSON.stringify(run.skipped),
      blob(t),
      blob(samples),
      label ? blob(label) : null,
      blob(data),
    );
  return Number(row.lastInsertRowid);
}

export function listModelRuns(library: Library, sessionId: number): ModelRunSummary[] {
  const rows = library.db
    .prepare(`SELECT ${SUMMARY_COLUMNS} FROM model_runs r JOIN streams s ON s.id = r.stream_id WHERE r.session_id = ? ORDER BY r.created_at, r.id`)
    .all(sessionId) as RunRow[];
  return rows.map(toSummary);
}

export function hasModelRun(library: Library, sessionId: number, name: string): boolean {
  return library.db.prepare('SELECT 1 FROM model_runs WHERE session_id = ? AND name = ?').get(sessionId, name) !== undefined;
}

export function deleteModelRun(library: Library, sessionId: number, runId: number): void {
  if (!library.db.prepare('DELETE FROM model_runs WHERE id = ? AND session_id = ?').run(runId, sessionId).changes) throw new Error(`session ${sessionId} has no model run ${runId}`);
}

/** Every output of a run, as columns. */
export function modelRunOutputs(library: Library, sessionId: number, runId: number): ModelRunOutputs {
  const row = library.db
    .prepare(`SELECT ${SUMMARY_COLUMNS}, r.t, r.sample, r.label, r.data FROM model_runs r JOIN streams s ON s.id = r.stream_id WHERE r.id = ? AND r.session_id = ?`)
    .get(runId, sessionId) as (RunRow & { t: Buffer; sample: Buffer; label: Buffer | null; data: Buffer }) | undefined;
  if (!row) throw new Error(`session ${sessionId} has no model run ${runId}`);
  const summary = toSummary(row);
  const data = new Float32Array(aligned(row.data));
  const classes = summary.output === 'classes';
  const width = classes ? summary.labels.length : 1;
  return {
    id: runId,
    streamKey: summary.streamKey,
    labels: summary.labels,
    marks: summary.marks,
    t: Array.from(new Float64Array(aligned(row.t))),
    sample: Array.from(new Float64Array(aligned(row.sample))),
    label: row.label ? Array.from(row.label) : null,
    probs: classes ? summary.labels.map((_, c) => Array.from({ length: summary.outputs }, (_, i) => data[i * width + c])) : null,
    value: classes ? null : Array.from(data),
  };
}

const PROB_CHANNEL = /^p\((.+)\)$/;

/**
 * Live models' outputs recorded in a session: each derived stream `<source>.<model>` of class
 * probabilities (channels `p(<label>)`, one sample per output). Its marks are the outputs of the
 * classes the model marked live, known by the markers `<model>: <label>` it left on its source.
 */
export function liveModelRecords(library: Library, sessionId: number): LiveModelRecord[] {
  const session = sessionOrThrow(library, sessionId);
  const records: LiveModelRecord[] = [];
  for (const stream of session.streams) {
    const source = liveModelSource(session, stream);
    if (!source) continue;
    const model = stream.name.slice(source.name.length + 1);
    const labels = stream.channels.map((c) => PROB_CHANNEL.exec(c.label)![1]);
    const marked = new Set(
      (library.db.prepare("SELECT DISTINCT text FROM events WHERE stream_id = ? AND kind = 'marker' AND substr(text, 1, ?) = ?").pluck().all(source.id, model.length + 2, `${model}: `) as string[]).map((text) =>
        text.slice(model.length + 2),
      ),
    );
    const counts: Record<string, number> = {};
    const marks: ModelMarks = { key: source.key, title: `${stream.name} (live)`, t: [], label: [] };
    let outputs = 0;
    for (const chunk of library.chunks(stream.id)) {
      for (let j = 0; j < chunk.n; j++) {
        let best = 0;
        for (let c = 1; c < labels.length; c++) if (chunk.data[c * chunk.n + j] > chunk.data[best * chunk.n + j]) best = c;
        const label = labels[best];
        counts[label] = (counts[label] ?? 0) + 1;
        outputs++;
        if (!marked.has(label)) continue;
        marks.t.push(chunk.t0 + j * chunk.dt - session.startedAt);
        marks.label.push(label);
      }
    }
    records.push({ outputKey: stream.key, streamKey: source.key, model, outputs, counts, marks });
  }
  return records;
}

/** The source stream of a live model's recorded outputs, or null for any other stream. */
function liveModelSource(session: StoredSession, stream: StoredStream): StoredStream | null {
  if (!stream.derivedFrom || stream.rate !== 0 || stream.channels.length < 2 || !stream.channels.every((c) => PROB_CHANNEL.test(c.label))) return null;
  const source = session.streams.find((s) => s.key === stream.derivedFrom);
  return source && stream.name.startsWith(`${source.name}.`) ? source : null;
}

function toSummary(r: RunRow): ModelRunSummary {
  const manifest = JSON.parse(r.manifest) as ModelManifest;
  const out = manifest.output;
  return {
    id: r.id,
    name: r.name,
    model: r.model,
    file: r.file,
    streamKey: r.stream_key,
    createdAt: r.created_at,
    output: out.type,
    labels: out.type === 'classes' ? out.labels : [],
    marks: manifest.display.marks,
    unit: out.type === 'regression' ? out.unit : null,
    outputs: r.n,
    counts: JSON.parse(r.counts) as Record<string, number>,
    skipped: JSON.parse(r.skipped) as ModelSkipped,
  };
}

/**
 * Seconds from the session start of each sample (ascending, counted from the stream's first
 * recorded sample), from the chunk it lies in: each chunk has its own timing.
 */
function sampleTimes(library: Library, streamId: number, samples: Float64Array, origin: number): Float64Array {
  const t = new Float64Array(samples.length);
  const rows = library.db.prepare('SELECT sample_index AS i, t0, dt, n FROM chunks WHERE stream_id = ? ORDER BY sample_index').iterate(streamId) as Iterable<{ i: number; t0: number; dt: number; n: number }>;
  let base: number | null = null;
  let last: { i: number; t0: number; dt: number } | null = null;
  let k = 0;
  for (const row of rows) {
    base ??= row.i;
    for (; k < samples.length && base + samples[k] < row.i + row.n; k++) t[k] = row.t0 + (base + samples[k] - row.i) * row.dt - origin;
    last = row;
    if (k === samples.length) break;
  }
  for (; k < samples.length; k++) t[k] = last ? last.t0 + ((base ?? 0) + samples[k] - last.i) * last.dt - origin : NaN;
  return t;
}

function blob(a: Float64Array | Float32Array | Uint8Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** A copy of a BLOB's bytes at offset 0, so a typed array of any element size can view it. */
function aligned(b: Buffer): ArrayBuffer {
  return new Uint8Array(b).buffer;
}

/**
 * Offline model runs stored in a session, and model marks for the review view. Times are seconds
 * from the session's start, as everywhere in review; plain JSON, columnar (a day of ECG is
 * ~100,000 beats), so the WebSocket face carries it as it is.
 */

/** Windows a model did not run: touching lost samples, past either end, or a beat without the RR intervals it needs. */
export interface ModelSkipped {
  gap: number;
  edge: number;
  rr: number;
}

/** A stored run of a model over one stream of a session. */
export interface ModelRunSummary {
  id: number;
  /** Unique per session. */
  name: string;
  /** The manifest's name, and the `.onnx` file it was loaded from (on the engine's machine). */
  model: string;
  file: string;
  /** The stream it ran on. */
  streamKey: string;
  /** ms since the Unix epoch. */
  createdAt: number;
  output: 'classes' | 'regression';
  /** Class labels in output order (classes), else empty. */
  labels: string[];
  /** The classes the manifest asks to mark on the trace (`display.marks`). */
  marks: string[];
  /** Regression unit, else null. */
  unit: string | null;
  outputs: number;
  /** Outputs per class label (classes). */
  counts: Record<string, number>;
  skipped: ModelSkipped;
}

/** Every output of a stored run, as columns. */
export interface ModelRunOutputs {
  id: number;
  streamKey: string;
  labels: string[];
  marks: string[];
  /** Seconds from the session start, ascending. */
  t: number[];
  /** Index into the stream's samples, from its first recorded sample: the beat's, or the window centre's. */
  sample: number[];
  /** Per output, the index into `labels` of the most probable class (classes), else null. */
  label: number[] | null;
  /** Per class, per output (classes), else null. */
  probs: number[][] | null;
  /** Per output (regression), else null. */
  value: number[] | null;
}

/** Labelled marks of one model on one stream's trace: a stored run's, or a live model's recorded outputs. */
export interface ModelMarks {
  /** The stream they are drawn on (the model's input). */
  key: string;
  /** What the review lists them as: a run's name, or the live model's derived stream. */
  title: string;
  /** Seconds from the session start, ascending, and each mark's class label. */
  t: number[];
  label: string[];
}

/** A live model's outputs recorded in a session (the derived stream `<stream>.<model>`). */
export interface LiveModelRecord {
  /** The derived stream's key. */
  outputKey: string;
  /** The stream the model ran on. */
  streamKey: string;
  model: string;
  outputs: number;
  counts: Record<string, number>;
  /** Its outputs of the classes it marked live (the markers `<model>: <label>` it left). */
  marks: ModelMarks;
}

/** A run's outputs of the classes its manifest marks, as marks on its stream. */
export function runMarks(outputs: ModelRunOutputs, title: string): ModelMarks {
  const marks: ModelMarks = { key: outputs.streamKey, title, t: [], label: [] };
  outputs.label?.forEach((k, i) => {
    const label = outputs.labels[k];
    if (!outputs.marks.includes(label)) return;
    marks.t.push(outputs.t[i]);
    marks.label.push(label);
  });
  return marks;
}

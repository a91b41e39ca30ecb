import { useCallback, useEffect, useState } from 'react';
import type { VitalsApi } from '../../../shared/api';
import { runMarks, type LiveModelRecord, type ModelMarks, type ModelRunSummary } from '../../../shared/model-runs';
import type { JobState } from '../../../shared/types';
import { errorMessage } from '../format';
import { JobProgress } from '../components/JobProgress';
import { EmptyRow } from '../components/EmptyRow';

interface Props {
  api: VitalsApi;
  sessionId: number;
  /** The engine's jobs (from its status): a running model run over this session shows its progress. */
  jobs: readonly JobState[];
  /** The marks to draw on the tracks: those of every run shown. */
  onMarks(marks: ModelMarks[]): void;
}

const countsText = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([label, n]) => `${label} ${n}`)
    .join(' · ') || '—';

/**
 * ONNX models over the session: a model path (the bundled PVC model by default) and a name, Run
 * (a job with progress and Cancel); the stored runs and the live models recorded in the session,
 * with their counts per class, each of whose marks can be shown on its track.
 */
export function ModelRuns({ api, sessionId, jobs, onMarks }: Props) {
  const [runs, setRuns] = useState<ModelRunSummary[] | null>(null);
  const [live, setLive] = useState<LiveModelRecord[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [model, setModel] = useState('');
  const [name, setName] = useState('');
  /** Marks shown, by row id ("run:<id>" or "live:<key>"). */
  const [shown, setShown] = useState<Map<string, ModelMarks>>(new Map());
  const mine = jobs.filter((j) => j.kind === 'infer-session' && j.sessionId === sessionId);
  const running = mine.find((j) => j.state === 'running');
  const lastEnded = mine.filter((j) => j.endedAt !== null).sort((a, b) => b.endedAt! - a.endedAt!)[0];

  useEffect(() => {
    let stale = false;
    api.getBundledModel().then(
      (path) => !stale && path && setModel((m) => m || path),
      (e: unknown) => !stale && setError(errorMessage(e)),
    );
    api.listLiveModelRecords(sessionId).then(
      (records) => !stale && setLive(records),
      (e: unknown) => !stale && setError(errorMessage(e)),
    );
    return () => {
      stale = true;
    };
  }, [api, sessionId]);
  const refresh = useCallback(() => {
    api.listModelRuns(sessionId).then(setRuns, (e: unknown) => setError(errorMessage(e)));
  }, [api, sessionId]);
  useEffect(refresh, [refresh, lastEnded?.id]);

  useEffect(() => onMarks([...shown.values()]), [shown, onMarks]);
  const show = (id: string, marks: ModelMarks | null) => {
    setShown((prev) => {
      const next = new Map(prev);
      if (marks) next.set(id, marks);
      else next.delete(id);
      return next;
    });
  };
  const toggleRun = (run: ModelRunSummary) => {
    const id = `run:${run.id}`;
    if (shown.has(id)) return show(id, null);
    api.getModelRunOutputs(sessionId, run.id).then(
      (outputs) => show(id, runMarks(outputs, run.name)),
      (e: unknown) => setError(errorMessage(e)),
    );
  };
  const start = () => {
    setError(null);
    const given = name.trim();
    (given ? api.runModelOnSession(sessionId, model.trim(), given) : api.runModelOnSession(sessionId, model.trim())).then(
      () => setName(''),
      (e: unknown) => setError(errorMessage(e)),
    );
  };
  const remove = (run: ModelRunSummary) => {
    if (!window.confirm(`Delete the model run "${run.name}"? The recorded data stays.`)) return;
    show(`run:${run.id}`, null);
    api.deleteModelRun(sessionId, run.id).then(refresh, (e: unknown) => setError(errorMessage(e)));
  };
  const markButton = (id: string, marks: number, onClick: () => void) => (
    <button type="button" aria-pressed={shown.has(id)} onClick={onClick} disabled={marks === 0} title={marks === 0 ? 'no outputs of a marked class' : 'draw its marks on the track (] / [ jump between them)'} data-testid={`model-marks-${id}`}>
      {shown.has(id) ? 'Hide marks' : 'Show marks'}
    </button>
  );

  return (
    <section className="panel model-runs" aria-label="Model runs" data-testid="model-runs">
      <header className="panel-head">
        <h2>Model runs</h2>
        <span className="muted small">an ONNX model over the session, stored beside the recorded data</span>
      </header>
      <div className="panel-body">
        <form
          className="runs-form"
          onSubmit={(e) => {
            e.preventDefault();
            start();
          }}
        >
          <label className="grow">
            Model{' '}
            <input className="mono" value={model} placeholder="/path/to/model.onnx (its .onnx.json beside it)" onChange={(e) => setModel(e.target.value)} data-testid="model-run-path" size={48} />
          </label>
          <label>
            Name <input value={name} placeholder="the model's name" maxLength={100} onChange={(e) => setName(e.target.value)} data-testid="model-run-name" />
          </label>
          <button type="submit" disabled={!!running || !model.trim()} data-testid="model-run-start">
            Run model
          </button>
          {running ? <JobProgress job={running} testId="model-run-progress" cancelTestId="model-run-cancel" onCancel={(id) => void api.cancelJob(id)} /> : null}
        </form>
        {error || lastEnded?.state === 'failed' ? (
          <p className="library-error" role="alert" data-testid="model-run-error">
            {error ?? lastEnded?.error}
          </p>
        ) : null}
        <table className="table" data-testid="model-runs-table">
          <thead>
            <tr>
              <th>Run</th>
              <th>Model</th>
              <th>Stream</th>
              <th className="num">Outputs</th>
              <th>Per class</th>
              <th>Skipped (gap / edge / RR)</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(runs ?? []).map((r) => (
              <tr key={r.id} data-testid="model-run-row" data-run-id={r.id}>
                <td>{r.name}</td>
                <td className="mono small" title={r.file}>
                  {r.model}
                </td>
                <td className="mono small">{r.streamKey}</td>
                <td className="num mono">{r.outputs}</td>
                <td className="mono small" data-testid="model-run-counts">
                  {r.output === 'classes' ? countsText(r.counts) : r.unit || 'value'}
                </td>
                <td className="mono small">
                  {r.skipped.gap} / {r.skipped.edge} / {r.skipped.rr}
                </td>
                <td className="row-actions">
                  {markButton(
                    `run:${r.id}`,
                    r.marks.reduce((n, label) => n + (r.counts[label] ?? 0), 0),
                    () => toggleRun(r),
                  )}
                  <button type="button" className="danger" onClick={() => remove(r)} data-testid={`model-run-delete-${r.id}`}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
            {live.map((l) => (
              <tr key={l.outputKey} data-testid="model-live-row">
                <td>
                  {l.model} <span className="tag">live</span>
                </td>
                <td className="mono small">{l.model}</td>
                <td className="mono small">{l.streamKey}</td>
                <td className="num mono">{l.outputs}</td>
                <td className="mono small">{countsText(l.counts)}</td>
                <td className="muted small">recorded live</td>
                <td className="row-actions">{markButton(`live:${l.outputKey}`, l.marks.t.length, () => show(`live:${l.outputKey}`, shown.has(`live:${l.outputKey}`) ? null : l.marks))}</td>
              </tr>
            ))}
            {runs && runs.length === 0 && live.length === 0 ? <EmptyRow columns={7}>No model runs yet: give a model above and press Run model.</EmptyRow> : null}
          </tbody>
        </table>
      </div>
    </section>
  );
}

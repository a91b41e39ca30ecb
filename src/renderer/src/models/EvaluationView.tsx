import { useCallback, useEffect, useState } from 'react';
import type { VitalsApi } from '../../../shared/api';
import type { EvaluationListing, StoredEvaluation, WorstError } from '../../../shared/evaluation';
import type { JobState } from '../../../shared/types';
import { errorMessage } from '../format';
import { routeHash } from '../routes';
import { ConfusionGrid, ReliabilityPlot, ScoresTable } from './evaluation-parts';

interface Props {
  api: Pick<VitalsApi, 'evaluateModel' | 'listEvaluations' | 'getEvaluation' | 'openRecordSession' | 'cancelJob'>;
  /** The engine's jobs (from its status): a running evaluation shows its progress, an import for a worst error its end. */
  jobs: readonly JobState[];
}

/** The worst-errors table's columns: name, and whether it holds numbers. */
const WORST_COLUMNS: readonly [string, boolean][] = [
  ['error', false],
  ['record', false],
  ['t s', true],
  ['reference', false],
  ['model', false],
  ['p', true],
  ['', false],
];
const show = (x: number | null | undefined, digits = 2) => (x === null || x === undefined ? '—' : x.toFixed(digits));
const reviewAt = (sessionId: number, t: number) => routeHash({ view: 'review', sessionId, t });

/**
 * The Evaluation view: run a per-beat classifier over sessions with beat classes and WFDB records
 * (a job, with progress), then read its report: per-class Se/+P/F1 with CIs, the confusion matrix,
 * per record, slices, reliability, and the worst errors, each opening the review at that beat.
 */
export function EvaluationView({ api, jobs }: Props) {
  const [listing, setListing] = useState<EvaluationListing | null>(null);
  const [model, setModel] = useState<string | null>(null);
  const [picked, setPicked] = useState<ReadonlySet<number>>(new Set());
  const [records, setRecords] = useState('');
  const [jobId, setJobId] = useState<number | null>(null);
  const [shown, setShown] = useState<StoredEvaluation | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** A worst error in a file being imported: opened when its import job is done. */
  const [opening, setOpening] = useState<{ jobId: number; t: number } | null>(null);

  const open = useCallback(
    (id: string) => {
      api.getEvaluation(id).then(setShown, (e: unknown) => setError(errorMessage(e)));
    },
    [api],
  );
  const refresh = useCallback(
    (openId?: string) => {
      api.listEvaluations().then(
        (l) => {
          setListing(l);
          const id = openId ?? l.reports[0]?.id;
          if (id) open(id);
        },
        (e: unknown) => setError(errorMessage(e)),
      );
    },
    [api, open],
  );
  useEffect(() => refresh(), [refresh]);

  const job = jobId === null ? undefined : jobs.find((j) => j.id === jobId);
  useEffect(() => {
    if (!job || job.state === 'running') return;
    setJobId(null);
    if (job.state === 'done') refresh(job.output?.name);
    else if (job.state === 'failed') setError(job.error ?? 'the evaluation failed');
    else setError('evaluation cancelled: nothing was kept');
  }, [job, refresh]);

  const importJob = opening ? jobs.find((j) => j.id === opening.jobId) : undefined;
  useEffect(() => {
    if (!opening || !importJob || importJob.state === 'running') return;
    setOpening(null);
    const id = importJob.output?.sessionIds?.[0];
    if (importJob.state === 'done' && id !== undefined) window.location.hash = reviewAt(id, opening.t);
    else setError(importJob.error ?? 'the record could not be imported for review');
  }, [opening, importJob]);

  const modelPath = model ?? listing?.bundledModel ?? '';
  const inputs = [...[...picked].map(String), ...records.split('\n').map((l) => l.trim()).filter(Boolean)];
  const run = () => {
    setError(null);
    api.evaluateModel(modelPath.trim(), inputs).then(
      (j) => setJobId(j.id),
      (e: unknown) => setError(errorMessage(e)),
    );
  };
  const openError = (w: WorstError) => {
    setError(null);
    if (w.session !== undefined) {
      window.location.hash = reviewAt(w.session, w.t);
      return;
    }
    if (!w.file) return;
    api.openRecordSession(w.file).then(
      (r) => ('sessionId' in r ? (window.location.hash = reviewAt(r.sessionId, w.t)) : setOpening({ jobId: r.job.id, t: w.t })),
      (e: unknown) => setError(errorMessage(e)),
    );
  };

  const report = shown?.report;
  const labels = report ? Object.keys(report.classes) : [];
  return (
    <div className="page-fill models-view evaluation-view" data-testid="evaluation-view">
      <section className="panel">
        <div className="panel-head">
          <h2>Evaluate a per-beat classifier</h2>
        </div>
        <div className="panel-body evaluation-form">
          <label>
            Model{' '}
            <input aria-label="Model path" value={modelPath} onChange={(e) => setModel(e.target.value)} size={70} placeholder="/path/to/model.onnx (manifest beside it)" />
          </label>
          <fieldset>
            <legend>Sessions with beat classes (the reference)</legend>
            {listing?.sessions.length ? (
              listing.sessions.map((s) => (
                <label key={s.id} className="evaluation-session">
                  <input
                    type="checkbox"
                    checked={picked.has(s.id)}
                    onChange={(e) => setPicked((p) => (e.target.checked ? new Set([...p, s.id]) : new Set([...p].filter((x) => x !== s.id))))}
                    data-testid={`evaluate-session-${s.id}`}
                  />{' '}
                  #{s.id} {s.name} ({s.classified} classified beats)
                </label>
              ))
            ) : (
              <p className="muted small">None yet: set beat classes in review (N, V, S, F, Q), or import a WFDB record with annotations under Sessions.</p>
            )}
          </fieldset>
          <label>
            WFDB records (.hea paths on the engine's machine, one per line; their .atr is the reference)
            <textarea aria-label="Record paths" rows={3} cols={70} value={records} onChange={(e) => setRecords(e.target.value)} />
          </label>
          <div>
            <button type="button" onClick={run} disabled={!modelPath.trim() || inputs.length === 0 || job?.state === 'running'} data-testid="evaluate-run">
              Run evaluation
            </button>{' '}
            {job?.state === 'running' ? (
              <span className="export-progress" data-testid="evaluate-progress">
                <progress max={1} value={job.progress.fraction} /> {(100 * job.progress.fraction).toFixed(0)}% {job.progress.stage}{' '}
                <button type="button" onClick={() => api.cancelJob(job.id).catch((e: unknown) => setError(errorMessage(e)))}>
                  Cancel
                </button>
              </span>
            ) : null}
            {opening ? <span className="muted small"> importing the record to review it…</span> : null}
          </div>
          {error ? (
            <p className="error-text" role="alert" data-testid="evaluation-error">
              {error}
            </p>
          ) : null}
        </div>
      </section>

      {listing?.reports.length ? (
        <section className="panel">
          <div className="panel-head">
            <h2>Reports</h2>
            <select aria-label="Report" value={shown?.id ?? ''} onChange={(e) => open(e.target.value)} data-testid="evaluation-reports">
              {listing.reports.map((r) => (
                <option key={r.id} value={r.id}>
                  {new Date(r.createdAt).toLocaleString()} · {r.model} · {r.inputs.length} input{r.inputs.length === 1 ? '' : 's'}
                </option>
              ))}
            </select>
          </div>
        </section>
      ) : null}

      {report && shown ? (
        <section className="panel" data-testid="evaluation-report">
          <div className="panel-head">
            <h2>
              {report.model} on {shown.inputs.join(', ')}
            </h2>
          </div>
          <div className="panel-body">
            <p className="muted small">
              A beat matches a reference beat within ±{report.tolerance_ms} ms; percent; 95% CI by record bootstrap ({report.bootstrap.resamples} resamples).
              {Object.keys(report.excluded).length ? ` Excluded reference beats (not a model class): ${Object.entries(report.excluded).map(([k, v]) => `${v} ${k}`).join(', ')}.` : ''}
            </p>
            <table className="table" data-testid="evaluation-classes">
              <thead>
                <tr>
                  <th>class</th>
                  <th className="num">n</th>
                  <th className="num">Se %</th>
                  <th>Se 95% CI</th>
                  <th className="num">+P %</th>
                  <th>+P 95% CI</th>
                  <th className="num">F1 %</th>
                </tr>
              </thead>
              <tbody>
                {labels.map((l) => {
                  const c = report.classes[l];
                  return (
                    <tr key={l}>
                      <td>{l}</td>
                      <td className="num">{c.n}</td>
                      <td className="num">{show(c.se)}</td>
                      <td>{c.ci.se ? `${show(c.ci.se[0])}–${show(c.ci.se[1])}` : '—'}</td>
                      <td className="num">{show(c.ppv)}</td>
                      <td>{c.ci.ppv ? `${show(c.ci.ppv[0])}–${show(c.ci.ppv[1])}` : '—'}</td>
                      <td className="num">{show(c.f1)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
            <div className="evaluation-row">
              <div>
                <h3>Confusion (rows: reference; columns: model)</h3>
                <ConfusionGrid confusion={report.confusion} />
              </div>
              <div className="evaluation-plot">
                <h3>Reliability</h3>
                <ReliabilityPlot calibration={report.calibration} />
              </div>
            </div>
            <h3>By record</h3>
            <ScoresTable labels={labels} rows={report.records.map((r) => ({ name: r.record, scores: r }))} testId="evaluation-records" />
            <h3>Slices</h3>
            <ScoresTable labels={labels} rows={report.slices.map((s) => ({ name: `${s.slice}: ${s.band}`, scores: s }))} testId="evaluation-slices" />
            <h3>Worst errors (the model's surest mistakes; open one to review it)</h3>
            <table className="table" data-testid="evaluation-worst">
              <thead>
                <tr>
                  {WORST_COLUMNS.map(([name, num]) => (
                    <th key={name} className={num ? 'num' : undefined}>
                      {name}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {report.worst.map((w, i) => (
                  <tr key={i}>
                    <td>{w.error}</td>
                    <td>{w.record}</td>
                    <td className="num">{w.t.toFixed(3)}</td>
                    <td>{w.reference ?? 'none'}</td>
                    <td>{w.predicted}</td>
                    <td className="num">{w.confidence.toFixed(4)}</td>
                    <td>
                      <button type="button" onClick={() => openError(w)} disabled={w.session === undefined && !w.file} data-testid={`worst-open-${i}`}>
                        Review
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </div>
  );
}

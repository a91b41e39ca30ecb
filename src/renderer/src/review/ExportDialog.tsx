import { useEffect, useState } from 'react';
import type { VitalsApi } from '../../../shared/api';
import { EXPORT_FORMAT_IDS, EXPORT_FORMATS } from '../../../shared/export-formats';
import type { SessionDetail } from '../../../shared/review';
import type { ExportFormat, JobState } from '../../../shared/types';
import { errorMessage } from '../format';
import { exportRequest, type RangeChoice } from './export-request';
import { JobProgress } from '../components/JobProgress';
import { useModalForm } from './use-modal-form';

/** A stretch of the review (seconds from the start) the dialog offers as the range. */
export interface ReviewSpan {
  t0: number;
  t1: number;
}

interface Props {
  api: Pick<VitalsApi, 'getSessionDetail' | 'exportSession' | 'cancelJob'>;
  sessionId: number;
  /** The engine's jobs: the export started here shows its progress, then its files. */
  jobs: readonly JobState[];
  /** From the review: the window shown and the selection, offered as ranges. */
  view?: ReviewSpan | null;
  selection?: ReviewSpan | null;
  onClose(): void;
}

type RangeKind = RangeChoice['kind'];

const span = (s: ReviewSpan): string => `${s.t0.toFixed(3)} – ${s.t1.toFixed(3)} s`;

/**
 * Exports a session: format (with what each is for), range (whole, typed seconds, or the review's
 * view or selection), streams (raw and derived), then the job's progress with Cancel and the files
 * it wrote. Modal: Escape closes, Enter starts; the review's and the app's keys stay quiet meanwhile.
 */
export function ExportDialog({ api, sessionId, jobs, view, selection, onClose }: Props) {
  const [detail, setDetail] = useState<SessionDetail | null>(null);
  const [format, setFormat] = useState<ExportFormat>('csv');
  const [rangeKind, setRangeKind] = useState<RangeKind>(selection ? 'selection' : view ? 'view' : 'whole');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [chosen, setChosen] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [jobId, setJobId] = useState<number | null>(null);

  useEffect(() => {
    let stale = false;
    api.getSessionDetail(sessionId).then(
      (d) => {
        if (stale) return;
        setDetail(d);
        setChosen(d.streams.map((s) => s.key));
      },
      (e: unknown) => !stale && setError(`session ${sessionId}: ${errorMessage(e)}`),
    );
    return () => {
      stale = true;
    };
  }, [api, sessionId]);

  const job = jobId === null ? null : (jobs.find((j) => j.id === jobId) ?? null);
  const running = job?.state === 'running' || (jobId !== null && !job);

  const start = (): void => {
    if (!detail || !chosen || running) return;
    const range: RangeChoice =
      rangeKind === 'custom' ? { kind: 'custom', from, to } : rangeKind === 'view' && view ? { kind: 'view', ...view } : rangeKind === 'selection' && selection ? { kind: 'selection', ...selection } : { kind: 'whole' };
    let request;
    try {
      request = exportRequest({ format, range, streams: chosen, allStreams: detail.streams.map((s) => s.key), duration: detail.duration });
    } catch (e) {
      setError(errorMessage(e));
      return;
    }
    setError(null);
    api.exportSession(sessionId, request).then(
      (j) => setJobId(j.id),
      (e: unknown) => setError(errorMessage(e)),
    );
  };

  const { dialog, onKeyDown } = useModalForm(start);

  const rangeOption = (kind: RangeKind, label: string, disabled = false) => (
    <label className="export-choice">
      <input type="radio" name="export-range" value={kind} checked={rangeKind === kind} disabled={disabled || running} onChange={() => setRangeKind(kind)} data-testid={`export-range-${kind}`} />
      {label}
    </label>
  );

  return (
    <dialog ref={dialog} className="confirm-dialog export-dialog" data-testid="export-dialog" aria-labelledby="export-dialog-title" onCancel={onClose} onKeyDown={onKeyDown}>
      <h3 id="export-dialog-title">
        Export session {sessionId}
        {detail ? `: ${detail.name}` : ''}
      </h3>
      <fieldset disabled={running}>
        <legend>Format</legend>
        {EXPORT_FORMAT_IDS.map((f) => (
          <label key={f} className="export-choice">
            <input type="radio" name="export-format" value={f} checked={format === f} onChange={() => setFormat(f)} data-testid={`export-format-${f}`} />
            <strong>{EXPORT_FORMATS[f].label}</strong> <span className="muted small">{EXPORT_FORMATS[f].description}</span>
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Range</legend>
        {rangeOption('whole', `Whole session${detail ? ` (${detail.duration.toFixed(1)} s)` : ''}`)}
        {view ? rangeOption('view', `The review's view: ${span(view)}`) : null}
        {selection ? rangeOption('selection', `The selection: ${span(selection)}`) : null}
        <span className="export-choice">
          {rangeOption('custom', 'From')}
          <input type="number" min={0} step="any" className="seconds" aria-label="From (s)" data-testid="export-from" value={from} disabled={running} onFocus={() => setRangeKind('custom')} onChange={(e) => setFrom(e.target.value)} />
          to
          <input type="number" min={0} step="any" className="seconds" aria-label="To (s)" data-testid="export-to" value={to} disabled={running} onFocus={() => setRangeKind('custom')} onChange={(e) => setTo(e.target.value)} />
          s <span className="muted small">(empty: the start or the end)</span>
        </span>
      </fieldset>
      <fieldset disabled={running}>
        <legend>Streams</legend>
        {detail && chosen
          ? detail.streams.map((s) => (
              <label key={s.key} className="export-choice">
                <input
                  type="checkbox"
                  checked={chosen.includes(s.key)}
                  data-testid={`export-stream-${s.key}`}
                  onChange={(e) => setChosen(e.target.checked ? [...chosen, s.key] : chosen.filter((k) => k !== s.key))}
                />
                <span className="mono">{s.key}</span>{' '}
                <span className="muted small">
                  {s.kind}, {s.rate > 0 ? `${s.rate} Hz` : 'irregular'}, {s.channels.length} ch{s.derivedFrom ? `, derived from ${s.derivedFrom}` : ''}
                </span>
              </label>
            ))
          : <span className="muted small">loading…</span>}
      </fieldset>
      {error ? (
        <div className="export-error" role="alert" data-testid="export-dialog-error">
          {error}
        </div>
      ) : null}
      {job ? <ExportOutcome job={job} onCancel={(id) => void api.cancelJob(id).catch((e: unknown) => setError(errorMessage(e)))} /> : null}
      <div className="dialog-buttons">
        <button type="button" data-testid="export-close" onClick={onClose} title={running ? 'the export goes on; its progress shows in the sessions table' : undefined}>
          Close
        </button>
        <button type="button" data-testid="export-start" disabled={!detail || running} onClick={start}>
          {job && !running ? 'Export again' : 'Start'}
        </button>
      </div>
    </dialog>
  );
}

/** The export's progress bar and Cancel while it runs; then the folder and files it wrote, or why not. */
function ExportOutcome({ job, onCancel }: { job: JobState; onCancel(jobId: number): void }) {
  if (job.state === 'running') return <JobProgress job={job} testId="export-dialog-progress" cancelTestId="export-dialog-cancel" onCancel={onCancel} />;
  if (job.state === 'done') {
    return (
      <div className="small" data-testid="export-dialog-result">
        Written to <span className="mono">{job.output?.dir}</span>:
        <ul className="export-files">
          {job.output?.files?.map((f) => (
            <li key={f} className="mono">
              {f.slice((job.output?.dir?.length ?? -1) + 1)}
            </li>
          ))}
        </ul>
      </div>
    );
  }
  return (
    <div className={`small ${job.state === 'failed' ? 'export-error' : 'muted'}`} data-testid="export-dialog-result">
      {job.state === 'cancelled' ? 'Cancelled: its partial files were removed' : job.error}
    </div>
  );
}

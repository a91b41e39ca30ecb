import type { JobState, SessionStatus, SessionSummary } from '../../../shared/types';
import { formatCount, formatDuration, formatLocalTime } from '../format';

interface Props {
  sessions: readonly SessionSummary[] | null;
  /** The engine's jobs (from its status): running exports show progress, ended ones their outcome. */
  jobs: readonly JobState[];
  onRefresh(): void;
  /** Starts a CSV export job for a session. */
  onExport(sessionId: number): void;
  onCancel(jobId: number): void;
}

/** Recorded sessions, newest first, with their running exports and how the last one ended. */
export function SessionsTable({ sessions, jobs, onRefresh, onExport, onCancel }: Props) {
  const exports = jobs.filter((j) => j.kind === 'export-csv');
  const running = new Map(exports.filter((j) => j.state === 'running').map((j) => [j.sessionId, j]));
  const lastEnded = exports.filter((j) => j.endedAt !== null).sort((a, b) => b.endedAt! - a.endedAt!)[0];
  const rows = [...(sessions ?? [])].sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt) || b.id - a.id);
  return (
    <section className="panel sessions" aria-label="Sessions">
      <header className="panel-head">
        <h2>Sessions</h2>
        <span className="muted small">{sessions ? `${sessions.length} recorded` : 'loading…'}</span>
        {lastEnded ? <ExportOutcome job={lastEnded} /> : null}
        <span className="spacer" />
        <button type="button" onClick={onRefresh} data-testid="sessions-refresh">
          Refresh
        </button>
      </header>
      <div className="panel-body table-scroll">
        <table className="table" data-testid="sessions-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Participant</th>
              <th>Start</th>
              <th className="num">Duration</th>
              <th>Streams</th>
              <th>Samples</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.id} data-testid="session-row" data-session-id={s.id}>
                <td>
                  {s.name} <StatusBadge status={s.status} />
                </td>
                <td>{s.participant || <span className="muted">—</span>}</td>
                <td className="mono">{formatLocalTime(s.startedAt)}</td>
                <td className="mono num">
                  {s.endedAt ? formatDuration(Date.parse(s.endedAt) - Date.parse(s.startedAt)) : <span className="muted">open</span>}
                </td>
                <td>
                  {s.streams.map((st) => (
                    <span key={st.name} className="tag" title={`${st.kind}, ${st.rate > 0 ? `${st.rate} Hz` : 'irregular'}, ${st.channels.join(', ')}`}>
                      {st.name}
                    </span>
                  ))}
                </td>
                <td className="mono small">
                  {s.streams.map((st) => (
                    <div key={st.name}>
                      {st.name}: {formatCount(st.samples)}
                    </div>
                  ))}
                </td>
                <td className="export-cell">
                  {running.has(s.id) ? (
                    <ExportProgress job={running.get(s.id)!} onCancel={onCancel} />
                  ) : (
                    <button
                      type="button"
                      data-testid={`export-${s.id}`}
                      disabled={s.status === 'recording'}
                      title={s.status === 'recording' ? 'still recording' : 'one CSV per stream + events.csv, beside the library'}
                      onClick={() => onExport(s.id)}
                    >
                      Export CSV
                    </button>
                  )}
                </td>
              </tr>
            ))}
            {sessions && rows.length === 0 ? (
              <tr>
                <td colSpan={7} className="empty">
                  No sessions yet. Connect a device, then press Record.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </section>
  );
}

const STATUS_TITLES: Record<SessionStatus, string> = {
  complete: 'stopped normally',
  recovered: 'left open by a crash; closed at its last committed sample when the library was next opened',
  recording: 'being recorded (by this or another Vitalscope process)',
};

/** Complete sessions need no badge; recovered and recording ones say so. */
function StatusBadge({ status }: { status: SessionStatus }) {
  if (status === 'complete') return null;
  return (
    <span className={`badge status-${status}`} data-testid="session-status" title={STATUS_TITLES[status]}>
      {status}
    </span>
  );
}

function ExportProgress({ job, onCancel }: { job: JobState; onCancel(jobId: number): void }) {
  const { fraction, etaSeconds, stage } = job.progress;
  const eta = etaSeconds === null ? '' : `, ${formatDuration(etaSeconds * 1000)} left`;
  return (
    <span className="export-progress" data-testid={`export-progress-${job.sessionId}`} title={stage ? `writing ${stage}` : 'starting'}>
      <progress max={1} value={fraction} />
      <span className="mono small">
        {(100 * fraction).toFixed(0)}%{eta}
      </span>
      <button type="button" data-testid={`export-cancel-${job.sessionId}`} onClick={() => onCancel(job.id)}>
        Cancel
      </button>
    </span>
  );
}

function ExportOutcome({ job }: { job: JobState }) {
  if (job.state === 'done') {
    return (
      <span className="small" data-testid="export-result" title={job.output?.files?.join('\n')}>
        session {job.sessionId} exported to <span className="mono">{job.output?.dir}</span>
      </span>
    );
  }
  if (job.state === 'cancelled') {
    return (
      <span className="small muted" data-testid="export-result">
        export of session {job.sessionId} cancelled: its partial files were removed
      </span>
    );
  }
  return (
    <span className="small export-error" data-testid="export-error">
      {job.error}
    </span>
  );
}

import { useState } from 'react';
import type { SessionStatus, SessionSummary } from '../../../shared/types';
import { formatCount, formatDuration, formatLocalTime } from '../format';

interface Props {
  sessions: readonly SessionSummary[] | null;
  onRefresh(): void;
  /** Exports a session as CSV; resolves with the folder written. */
  onExport(sessionId: number): Promise<string | null>;
}

/** Recorded sessions, newest first. */
export function SessionsTable({ sessions, onRefresh, onExport }: Props) {
  const [exported, setExported] = useState<{ id: number; dir: string } | null>(null);
  const [exporting, setExporting] = useState<number | null>(null);
  const exportRow = async (id: number): Promise<void> => {
    setExporting(id);
    try {
      const dir = await onExport(id);
      if (dir) setExported({ id, dir });
    } finally {
      setExporting(null);
    }
  };
  const rows = [...(sessions ?? [])].sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt) || b.id - a.id);
  return (
    <section className="panel sessions" aria-label="Sessions">
      <header className="panel-head">
        <h2>Sessions</h2>
        <span className="muted small">{sessions ? `${sessions.length} recorded` : 'loading…'}</span>
        {exported ? (
          <span className="small" data-testid="export-result">
            session {exported.id} exported to <span className="mono">{exported.dir}</span>
          </span>
        ) : null}
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
                <td>
                  <button
                    type="button"
                    data-testid={`export-${s.id}`}
                    disabled={s.status === 'recording' || exporting === s.id}
                    title={s.status === 'recording' ? 'still recording' : 'one CSV per stream + events.csv, beside the library'}
                    onClick={() => void exportRow(s.id)}
                  >
                    {exporting === s.id ? 'Exporting…' : 'Export CSV'}
                  </button>
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

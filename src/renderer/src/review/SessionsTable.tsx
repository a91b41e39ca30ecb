import type { SessionSummary } from '../../../shared/types';
import { formatCount, formatDuration, formatLocalTime } from '../format';

interface Props {
  sessions: readonly SessionSummary[] | null;
  onRefresh(): void;
}

/** Recorded sessions, newest first. */
export function SessionsTable({ sessions, onRefresh }: Props) {
  const rows = [...(sessions ?? [])].sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt) || b.id - a.id);
  return (
    <section className="panel sessions" aria-label="Sessions">
      <header className="panel-head">
        <h2>Sessions</h2>
        <span className="muted small">{sessions ? `${sessions.length} recorded` : 'loading…'}</span>
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
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.id} data-testid="session-row" data-session-id={s.id}>
                <td>{s.name}</td>
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
              </tr>
            ))}
            {sessions && rows.length === 0 ? (
              <tr>
                <td colSpan={6} className="empty">
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

import { useState, type KeyboardEvent } from 'react';
import type { VitalsApi } from '../../../shared/api';
import type { JobState, SessionStatus, SessionSummary } from '../../../shared/types';
import { JobProgress } from '../components/JobProgress';
import { formatCount, formatDuration, formatLocalTime } from '../format';
import { SessionAssign } from './SessionAssign';

export interface RowActions {
  onRename(session: SessionSummary, name: string): void;
  onSetTags(session: SessionSummary, tags: string[]): void;
  /** Sets the participant and study ('' clears either). */
  onAssign(session: SessionSummary, participant: string, study: string): void;
  onDelete(session: SessionSummary): void;
  /** Opens the export dialog for a session. */
  onExport(sessionId: number): void;
  onExportFile(sessionId: number): void;
  onCancel(jobId: number): void;
}

interface Props extends RowActions {
  api: VitalsApi;
  session: SessionSummary;
  /** This session's running jobs (exports). */
  jobs: readonly JobState[];
}

/** One session of the library: inline rename, participant and study, and tags, its exports, Open and Delete. */
export function SessionRow({ api, session: s, jobs, ...actions }: Props) {
  const recording = s.status === 'recording';
  const exporting = jobs.find((j) => j.kind === 'export-csv' || j.kind === 'export-edf' || j.kind === 'export-wfdb' || j.kind === 'export-parquet');
  const file = jobs.find((j) => j.kind === 'export-session-file');
  return (
    <tr data-testid="session-row" data-session-id={s.id}>
      <td>
        <SessionName session={s} onRename={actions.onRename} /> <StatusBadge status={s.status} />
      </td>
      <td>
        <SessionAssign api={api} session={s} onAssign={actions.onAssign} />
      </td>
      <td className="mono">{formatLocalTime(s.startedAt)}</td>
      <td className="mono num">{s.durationSec === null ? <span className="muted">open</span> : formatDuration(s.durationSec * 1000)}</td>
      <td>
        <SessionTags session={s} onSetTags={actions.onSetTags} />
      </td>
      <td>
        {s.streams.map((st) => (
          <span key={st.name} className="tag" title={`${st.kind}, ${st.rate > 0 ? `${st.rate} Hz` : 'irregular'}, ${st.channels.join(', ')}`}>
            {st.name}
          </span>
        ))}
        {s.devices.length > 0 ? <div className="muted small">{s.devices.join(', ')}</div> : null}
      </td>
      <td className="mono small">
        {s.streams.map((st) => (
          <div key={st.name}>
            {st.name}: {formatCount(st.samples)}
          </div>
        ))}
      </td>
      <td className="export-cell">
        <div className="row-actions">
        <a href={`#/sessions/${s.id}`} data-testid={`open-${s.id}`}>
          Open
        </a>
        {exporting ? (
          <JobProgress job={exporting} testId={`export-progress-${s.id}`} cancelTestId={`export-cancel-${s.id}`} onCancel={actions.onCancel} />
        ) : (
          <button
            type="button"
            data-testid={`export-${s.id}`}
            disabled={recording}
            title={recording ? 'still recording' : 'export as CSV, EDF+ or BDF+: choose the format, range and streams'}
            onClick={() => actions.onExport(s.id)}
          >
            Export…
          </button>
        )}
        {file ? (
          <JobProgress job={file} testId={`export-file-progress-${s.id}`} cancelTestId={`export-file-cancel-${s.id}`} onCancel={actions.onCancel} />
        ) : (
          <button
            type="button"
            data-testid={`export-file-${s.id}`}
            disabled={recording}
            title={recording ? 'still recording' : 'the session as its own SQLite library file, beside the library: opens with --db, imports into another library'}
            onClick={() => actions.onExportFile(s.id)}
          >
            Export SQLite
          </button>
        )}
        <button
          type="button"
          data-testid={`delete-${s.id}`}
          disabled={recording || jobs.length > 0}
          title={recording ? 'still recording' : jobs.length > 0 ? 'being exported' : 'delete this session (asks first)'}
          onClick={() => actions.onDelete(s)}
        >
          Delete
        </button>
        </div>
      </td>
    </tr>
  );
}

/** The name, or an input while renaming: Enter saves, Escape (or leaving it) cancels. */
function SessionName({ session, onRename }: { session: SessionSummary; onRename: RowActions['onRename'] }) {
  const [draft, setDraft] = useState<string | null>(null);
  if (draft === null) {
    return (
      <>
        <span data-testid={`session-name-${session.id}`}>{session.name}</span>{' '}
        <button type="button" className="icon" aria-label={`Rename ${session.name}`} title="Rename" data-testid={`rename-${session.id}`} onClick={() => setDraft(session.name)}>
          ✎
        </button>
      </>
    );
  }
  const onKey = (e: KeyboardEvent<HTMLInputElement>): void => {
    if (e.key === 'Enter') {
      e.preventDefault();
      if (draft.trim() && draft.trim() !== session.name) onRename(session, draft);
      setDraft(null);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      setDraft(null);
    }
  };
  return (
    <input
      type="text"
      autoFocus
      aria-label={`New name for ${session.name} (Enter saves, Escape cancels)`}
      data-testid={`rename-input-${session.id}`}
      value={draft}
      maxLength={200}
      onChange={(e) => setDraft(e.target.value)}
      onKeyDown={onKey}
      onBlur={() => setDraft(null)}
    />
  );
}

/** Tags as chips with a remove button each, and a field that adds one on Enter. */
function SessionTags({ session, onSetTags }: { session: SessionSummary; onSetTags: RowActions['onSetTags'] }) {
  const [draft, setDraft] = useState('');
  const add = (): void => {
    if (draft.trim()) onSetTags(session, [...session.tags, draft]);
    setDraft('');
  };
  return (
    <span className="session-tags" data-testid={`tags-${session.id}`}>
      {session.tags.map((t) => (
        <span key={t} className="tag user-tag" data-testid="session-tag">
          {t}
          <button type="button" className="icon" aria-label={`Remove tag ${t}`} title="Remove tag" onClick={() => onSetTags(session, session.tags.filter((x) => x !== t))}>
            ×
          </button>
        </span>
      ))}
      <input
        type="text"
        className="tag-input"
        placeholder="+ tag"
        aria-label={`Add a tag to ${session.name} (Enter adds)`}
        data-testid={`tag-input-${session.id}`}
        value={draft}
        maxLength={40}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            add();
          } else if (e.key === 'Escape') setDraft('');
        }}
      />
    </span>
  );
}

const STATUS_TITLES: Record<SessionStatus, string> = {
  complete: 'stopped normally',
  recovered: 'left open by a crash; closed at its last committed sample when the library was next opened',
  recording: 'being recorded (by this or another Vitalscope process), or being imported',
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

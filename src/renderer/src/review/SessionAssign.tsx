import { useEffect, useState, type KeyboardEvent } from 'react';
import type { VitalsApi } from '../../../shared/api';
import type { ParticipantEntry, StudyEntry } from '../../../shared/study';
import type { SessionSummary } from '../../../shared/types';
import { errorMessage } from '../format';

interface Props {
  api: VitalsApi;
  session: SessionSummary;
  /** Saves the choice ('' clears either); the table reports a failure. */
  onAssign(session: SessionSummary, participant: string, study: string): void;
}

/**
 * A recorded session's participant and study, with ✎ to change them in place: a participant ID
 * (picked, or typed: a new ID needs no record) and one of the saved studies. Enter saves, Escape cancels.
 */
export function SessionAssign({ api, session, onAssign }: Props) {
  const [draft, setDraft] = useState<{ participant: string; study: string } | null>(null);
  if (draft === null) {
    return (
      <>
        <span data-testid={`session-participant-${session.id}`}>{session.participant || <span className="muted">—</span>}</span>{' '}
        <button
          type="button"
          className="icon"
          aria-label={`Change participant and study of ${session.name}`}
          title="Change participant and study"
          data-testid={`assign-${session.id}`}
          onClick={() => setDraft({ participant: session.participant, study: session.study })}
        >
          ✎
        </button>
        {session.study ? (
          <div className="muted small" data-testid={`session-study-${session.id}`} title="study">
            {session.study}
          </div>
        ) : null}
      </>
    );
  }
  const save = (): void => {
    if (draft.participant.trim() !== session.participant || draft.study !== session.study) onAssign(session, draft.participant.trim(), draft.study);
    setDraft(null);
  };
  const onKey = (e: KeyboardEvent): void => {
    if (e.key === 'Enter') {
      e.preventDefault();
      save();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      setDraft(null);
    }
  };
  return (
    <span className="session-assign" data-testid={`assign-form-${session.id}`} onKeyDown={onKey}>
      <AssignFields api={api} sessionId={session.id} draft={draft} onChange={setDraft} />
      <button type="button" className="primary" onClick={save} data-testid={`assign-save-${session.id}`}>
        Save
      </button>
      <button type="button" onClick={() => setDraft(null)}>
        Cancel
      </button>
    </span>
  );
}

/** The participant field (with the known IDs to pick from) and the study picker, lists loaded when opened. */
function AssignFields({ api, sessionId, draft, onChange }: { api: VitalsApi; sessionId: number; draft: { participant: string; study: string }; onChange(d: { participant: string; study: string }): void }) {
  const [participants, setParticipants] = useState<ParticipantEntry[]>([]);
  const [studies, setStudies] = useState<StudyEntry[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const fail = (e: unknown) => setError(errorMessage(e));
    api.listParticipants().then(setParticipants, fail);
    api.listStudies().then(setStudies, fail);
  }, [api]);
  const listId = `assign-participants-${sessionId}`;
  return (
    <>
      <input
        type="text"
        autoFocus
        className="narrow"
        placeholder="Participant ID"
        aria-label="Participant ID (pick one, or type an ID; empty: none)"
        list={listId}
        maxLength={64}
        value={draft.participant}
        onChange={(e) => onChange({ ...draft, participant: e.target.value })}
        data-testid={`assign-participant-${sessionId}`}
      />
      <datalist id={listId}>
        {participants.map((p) => (
          <option key={p.id} value={p.id} />
        ))}
      </datalist>
      <select aria-label="Study" value={draft.study} onChange={(e) => onChange({ ...draft, study: e.target.value })} data-testid={`assign-study-${sessionId}`}>
        <option value="">no study</option>
        {studies
          .filter((s) => s.id !== null || s.name === draft.study)
          .map((s) => (
            <option key={s.name} value={s.name}>
              {s.name}
            </option>
          ))}
      </select>
      {error ? (
        <span className="error-text small" role="alert">
          {error}
        </span>
      ) : null}
    </>
  );
}

import { useEffect, useState } from 'react';
import type { VitalsApi } from '../../../shared/api';
import { describeQueue } from '../../../shared/recording-queue';
import type { RecordingState } from '../../../shared/types';
import { formatDuration } from '../format';
import { PreflightPanel } from './PreflightPanel';
import { MarkerKeysDialog } from './MarkerKeysDialog';
import { ProtocolEditor } from './ProtocolEditor';
import type { Recording } from './use-recording';
import type { StudyRecords } from './use-study-records';

/** The picker's choice that opens the protocol editor. */
const EDIT_PROTOCOLS = '\u0000edit';

/** Session name, participant and study pickers, a protocol to run, Record/Stop with a live indicator, and markers. */
export function RecordBar({ rec, api, records }: { rec: Recording; api: VitalsApi; records: StudyRecords }) {
  const recording = rec.active !== null;
  const [editing, setEditing] = useState(false);
  const [keysOpen, setKeysOpen] = useState(false);
  return (
    <>
    <form
      className="record-bar"
      aria-label="Recording"
      onSubmit={(e) => {
        e.preventDefault();
        if (!recording) void rec.start();
      }}
    >
      <input
        type="text"
        placeholder="Session name"
        value={rec.name}
        onChange={(e) => rec.setName(e.target.value)}
        disabled={recording}
        data-testid="record-name"
        aria-label="Session name"
      />
      <input
        type="text"
        placeholder="Participant ID"
        value={rec.participant}
        onChange={(e) => rec.setParticipant(e.target.value)}
        disabled={recording}
        data-testid="record-participant"
        aria-label="Participant ID (pick one, or type a new ID to add it)"
        title="pick a participant, or type a new ID: it is added to the participants (Study view)"
        className="narrow"
        list="record-participants"
        maxLength={64}
      />
      <datalist id="record-participants">
        {records.participants.map((p) => (
          <option key={p.id} value={p.id} />
        ))}
      </datalist>
      <select value={rec.study} onChange={(e) => rec.setStudy(e.target.value)} disabled={recording} data-testid="record-study" aria-label="Study">
        <option value="">no study</option>
        {records.studies
          .filter((s) => s.id !== null)
          .map((s) => (
            <option key={s.name} value={s.name}>
              {s.name}
            </option>
          ))}
      </select>
      <select
        value={rec.protocolName}
        onChange={(e) => (e.target.value === EDIT_PROTOCOLS ? setEditing(true) : rec.setProtocolName(e.target.value))}
        disabled={recording}
        data-testid="protocol-picker"
        aria-label="Protocol"
        title="A protocol to run with the recording"
      >
        <option value="">No protocol</option>
        {rec.protocols.map((p) => (
          <option key={p.name} value={p.name} disabled={!p.protocol} title={p.error}>
            {p.name}
            {p.protocol ? '' : ' (unreadable)'}
          </option>
        ))}
        <option value={EDIT_PROTOCOLS}>Edit protocols…</option>
      </select>
      {rec.protocolName ? (
        <label className="check small" title="Keep recording once the protocol has ended">
          <input type="checkbox" checked={rec.openEnded} onChange={(e) => rec.setOpenEnded(e.target.checked)} disabled={recording} data-testid="protocol-open-ended" />
          open-ended
        </label>
      ) : null}
      <PreflightPanel rec={rec} />
      <button
        type="submit"
        className="record"
        disabled={recording || rec.busy || (rec.preflight !== null && !rec.preflight.passed)}
        data-testid="record-start"
        title={rec.preflight && !rec.preflight.passed ? 'The pre-flight check has not passed: see Pre-flight, or override it there' : 'Record (R)'}
      >
        ● Record
      </button>
      <button type="button" disabled={!recording || rec.busy} onClick={() => void rec.stop()} data-testid="record-stop">
        ■ Stop
      </button>
      {rec.active ? <RecordingIndicator startedAt={rec.active.startedAt} name={rec.active.name} /> : null}
      <span className="divider" />
      <input
        type="text"
        placeholder="Marker text"
        value={rec.markerText}
        onChange={(e) => rec.setMarkerText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            void rec.addMarker();
          }
        }}
        data-testid="marker-text"
        aria-label="Marker text"
        className="narrow"
      />
      <button type="button" onClick={() => void rec.addMarker()} data-testid="marker-add" title="Add a marker (M)">
        ⚑ Marker
      </button>
      <button type="button" onClick={() => setKeysOpen(true)} data-testid="marker-keys" title="Labels of the marker hotkeys 1-9">
        1-9…
      </button>
      {rec.markers > 0 ? <span className="muted small">{rec.markers} added</span> : null}
    </form>
    {rec.toast ? (
      <div className="toast" role="status" key={rec.toast.id} data-testid="marker-toast">
        {rec.toast.text}
      </div>
    ) : null}
    {editing ? (
      <ProtocolEditor
        api={api}
        onChanged={rec.refreshProtocols}
        onClose={() => {
          setEditing(false);
          rec.refreshProtocols();
        }}
      />
    ) : null}
    {keysOpen ? <MarkerKeysDialog labels={rec.markerLabels} onSave={rec.setMarkerLabels} onClose={() => setKeysOpen(false)} /> : null}
    </>
  );
}

function RecordingIndicator({ startedAt, name }: { startedAt: number; name: string }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(id);
  }, []);
  return (
    <span className="rec-indicator" data-testid="recording-indicator" title={`Recording “${name}”`}>
      <span className="rec-dot" />
      REC <span className="mono">{formatDuration(now - startedAt * 1000)}</span>
    </span>
  );
}

/**
 * While the recorder cannot write the library (disk full, read-only, file gone), or once it had to
 * drop samples: what is wrong, what is queued in memory and what is or will be lost. Not dismissable:
 * it clears itself when writing works again and nothing was dropped.
 */
export function RecorderBanner({ recording }: { recording: RecordingState | null }) {
  if (!recording?.error && !recording?.queue) return null;
  return (
    <div className="error-banner" role="alert" data-testid="recorder-banner">
      <div className="error-item">
        <span className="error-text">
          {recording.error ? <strong>Recording not written: {recording.error}. </strong> : null}
          {recording.queue ? describeQueue(recording.queue) : null}
        </span>
      </div>
    </div>
  );
}

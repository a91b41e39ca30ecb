import { useEffect, useState } from 'react';
import { formatDuration } from '../format';
import type { Recording } from './use-recording';

/** Session name and participant, Record/Stop with a live indicator, and markers. */
export function RecordBar({ rec }: { rec: Recording }) {
  const recording = rec.active !== null;
  return (
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
        aria-label="Participant ID"
        className="narrow"
      />
      <button type="submit" className="record" disabled={recording || rec.busy} data-testid="record-start">
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
      {rec.markers > 0 ? <span className="muted small">{rec.markers} added</span> : null}
    </form>
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

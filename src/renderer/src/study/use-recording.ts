import { useCallback, useRef, useState } from 'react';
import type { VitalsApi } from '../../../shared/api';
import type { RecordingState, SessionSummary } from '../../../shared/types';
import type { StudyRecords } from './use-study-records';

export interface Recording {
  name: string;
  participant: string;
  /** A saved study's name, '' for none. */
  study: string;
  markerText: string;
  setName(v: string): void;
  setParticipant(v: string): void;
  setStudy(v: string): void;
  setMarkerText(v: string): void;
  /** The engine's current recording, if any. */
  active: RecordingState | null;
  busy: boolean;
  markers: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  toggle(): Promise<void>;
  addMarker(): Promise<void>;
}

interface Options {
  api: VitalsApi;
  records: StudyRecords;
  active: RecordingState | null;
  report(error: unknown, context: string): void;
  refreshStatus(): void;
  onStopped(session: SessionSummary | null): void;
}

/** Form state and commands of the record bar (shared with the keyboard shortcuts). */
export function useRecording({ api, records, active, report, refreshStatus, onStopped }: Options): Recording {
  const [name, setName] = useState('');
  const [participant, setParticipant] = useState('');
  const [study, setStudy] = useState('');
  const [markerText, setMarkerText] = useState('');
  const [busy, setBusy] = useState(false);
  const [markers, setMarkers] = useState(0);
  const busyRef = useRef(false);

  const run = useCallback(
    async (context: string, fn: () => Promise<void>): Promise<void> => {
      if (busyRef.current) return;
      busyRef.current = true;
      setBusy(true);
      try {
        await fn();
      } catch (e) {
        report(e, context);
      } finally {
        busyRef.current = false;
        setBusy(false);
        refreshStatus();
      }
    },
    [report, refreshStatus],
  );

  const start = useCallback(
    () =>
      run('Start recording', async () => {
        const sessionName = name.trim() || `Session ${new Date().toLocaleString()}`;
        const id = participant.trim();
        // A new participant ID typed in the picker becomes a record (its details can be added in the Study view).
        if (id && !records.participants.some((p) => p.recorded && p.id.toLowerCase() === id.toLowerCase())) {
          await api.saveParticipant({ id });
          records.refresh();
        }
        await api.startRecording({ name: sessionName, participant: id, study });
        setMarkers(0);
      }),
    [run, api, name, participant, study, records],
  );

  const stop = useCallback(
    () =>
      run('Stop recording', async () => {
        const session = await api.stopRecording();
        onStopped(session);
      }),
    [run, api, onStopped],
  );

  const toggle = useCallback(() => (active ? stop() : start()), [active, start, stop]);

  const addMarker = useCallback(async () => {
    try {
      await api.addMarker(markerText.trim() || 'marker');
      setMarkers((m) => m + 1);
      setMarkerText('');
    } catch (e) {
      report(e, 'Add marker');
    }
  }, [api, markerText, report]);

  return {
    name,
    participant,
    study,
    markerText,
    setName,
    setParticipant,
    setStudy,
    setMarkerText,
    active,
    busy,
    markers,
    start,
    stop,
    toggle,
    addMarker,
  };
}

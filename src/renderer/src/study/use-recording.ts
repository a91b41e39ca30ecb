import { useCallback, useRef, useState } from 'react';
import type { VitalsApi } from '../../../shared/api';
import type { PreflightResult } from '../../../shared/preflight';
import type { RecordingState, SessionSummary } from '../../../shared/types';

export interface Recording {
  name: string;
  participant: string;
  markerText: string;
  setName(v: string): void;
  setParticipant(v: string): void;
  setMarkerText(v: string): void;
  /** The engine's current recording, if any. */
  active: RecordingState | null;
  busy: boolean;
  markers: number;
  /** The engine's pre-flight check of the required streams, when some are required. */
  preflight: PreflightResult | null;
  /** Requires these streams (kinds) before recording; none: no check. */
  setRequired(required: string[]): Promise<void>;
  /** Records although the check has not passed; the reason is kept in the session. */
  startOverriding(reason: string): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
  toggle(): Promise<void>;
  addMarker(): Promise<void>;
}

interface Options {
  api: VitalsApi;
  active: RecordingState | null;
  preflight?: PreflightResult | null;
  report(error: unknown, context: string): void;
  refreshStatus(): void;
  onStopped(session: SessionSummary | null): void;
}

/** Form state and commands of the record bar (shared with the keyboard shortcuts). */
export function useRecording({ api, active, preflight = null, report, refreshStatus, onStopped }: Options): Recording {
  const [name, setName] = useState('');
  const [participant, setParticipant] = useState('');
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

  const startWith = useCallback(
    (preflightOverride?: string) =>
      run('Start recording', async () => {
        const sessionName = name.trim() || `Session ${new Date().toLocaleString()}`;
        await api.startRecording({ name: sessionName, participant: participant.trim(), ...(preflightOverride ? { preflightOverride } : {}) });
        setMarkers(0);
      }),
    [run, api, name, participant],
  );
  const start = useCallback(() => startWith(), [startWith]);
  const startOverriding = useCallback((reason: string) => startWith(reason), [startWith]);

  const setRequired = useCallback(
    async (required: string[]) => {
      try {
        await api.setPreflight(required);
      } catch (e) {
        report(e, 'Pre-flight check');
      } finally {
        refreshStatus();
      }
    },
    [api, report, refreshStatus],
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
    markerText,
    setName,
    setParticipant,
    setMarkerText,
    active,
    busy,
    markers,
    preflight,
    setRequired,
    startOverriding,
    start,
    stop,
    toggle,
    addMarker,
  };
}

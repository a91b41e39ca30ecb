import { useCallback, useEffect, useRef, useState } from 'react';
import type { VitalsApi } from '../../../shared/api';
import type { PreflightResult } from '../../../shared/preflight';
import { PROTOCOL_EXTEND_S, type ProtocolControl, type ProtocolRunState, type StoredProtocol } from '../../../shared/protocol';
import type { RecordingState } from '../../../shared/types';
import { loadMarkerLabels, markerKeyOf, saveMarkerLabels, type MarkerLabels } from './marker-keys';
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
  /** The library's protocols, the one picked to run with the next recording ('' none), and whether the recording outlasts it. */
  protocols: StoredProtocol[];
  refreshProtocols(): void;
  protocolName: string;
  setProtocolName(v: string): void;
  openEnded: boolean;
  setOpenEnded(v: boolean): void;
  /** The running protocol's state, as the engine last pushed it. */
  protocolRun: ProtocolRunState | null;
  controlProtocol(command: ProtocolControl): Promise<void>;
  /** Pause or resume, skip, or +30 s the running step (the shortcuts). */
  toggleProtocolPause(): Promise<void>;
  skipStep(): Promise<void>;
  extendStep(): Promise<void>;
  markerLabels: MarkerLabels;
  setMarkerLabels(labels: MarkerLabels): void;
  /** Adds the marker of hotkey `key` (1-9) while recording. */
  hotkeyMarker(key: string): Promise<void>;
  /** The last marker added, for a moment (a toast). */
  toast: { id: number; text: string } | null;
}

interface Options {
  api: VitalsApi;
  records: StudyRecords;
  active: RecordingState | null;
  preflight?: PreflightResult | null;
  protocolRun: ProtocolRunState | null;
  report(error: unknown, context: string): void;
  refreshStatus(): void;
  /** A recording ended: by Stop, by its protocol's runner, or by another face of the engine. */
  onStopped(): void;
}

/** Form state and commands of the record bar (shared with the keyboard shortcuts). */
export function useRecording({ api, records, active, preflight = null, protocolRun, report, refreshStatus, onStopped }: Options): Recording {
  const [name, setName] = useState('');
  const [participant, setParticipant] = useState('');
  const [study, setStudy] = useState('');
  const [markerText, setMarkerText] = useState('');
  const [busy, setBusy] = useState(false);
  const [markers, setMarkers] = useState(0);
  const busyRef = useRef(false);
  const [protocols, setProtocols] = useState<StoredProtocol[]>([]);
  const [protocolName, setProtocolName] = useState('');
  const [openEnded, setOpenEnded] = useState(false);
  // Whoever ended the recording (Stop, the protocol's last step, another window), the library has a new session.
  const recordingId = active?.sessionId ?? null;
  const lastRecording = useRef<number | null>(null);
  useEffect(() => {
    if (lastRecording.current !== null && recordingId !== lastRecording.current) onStopped();
    lastRecording.current = recordingId;
  }, [recordingId, onStopped]);
  const [markerLabels, setLabels] = useState<MarkerLabels>(loadMarkerLabels);
  const [toast, setToast] = useState<{ id: number; text: string } | null>(null);

  const refreshProtocols = useCallback(() => {
    api.listProtocols().then(setProtocols, (e: unknown) => report(e, 'List protocols'));
  }, [api, report]);
  useEffect(refreshProtocols, [refreshProtocols]);

  useEffect(() => {
    if (!toast) return;
    const id = setTimeout(() => setToast(null), 2500);
    return () => clearTimeout(id);
  }, [toast]);

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
        const picked = protocolName ? protocols.find((p) => p.name === protocolName)?.protocol : undefined;
        if (protocolName && !picked) throw new Error(`protocol "${protocolName}" is not in the library (any more): pick another`);
        const id = participant.trim();
        // A new participant ID typed in the picker becomes a record (its details can be added in the Study view).
        if (id && !records.participants.some((p) => p.recorded && p.id.toLowerCase() === id.toLowerCase())) {
          await api.saveParticipant({ id });
          records.refresh();
        }
        await api.startRecording({ name: sessionName, participant: id, study, ...(picked ? { protocol: picked, openEnded } : {}), ...(preflightOverride ? { preflightOverride } : {}) });
        setMarkers(0);
      }),
    [run, api, name, participant, study, records, protocolName, protocols, openEnded],
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
        await api.stopRecording();
      }),
    [run, api],
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

  const controlProtocol = useCallback(
    async (command: ProtocolControl) => {
      try {
        await api.controlProtocol(command);
      } catch (e) {
        report(e, 'Protocol');
      }
      refreshStatus();
    },
    [api, report, refreshStatus],
  );
  const running = protocolRun && !protocolRun.done ? protocolRun : null;
  const toggleProtocolPause = useCallback(async () => {
    if (running) await controlProtocol({ action: running.paused ? 'resume' : 'pause' });
  }, [running, controlProtocol]);
  const skipStep = useCallback(async () => {
    if (running) await controlProtocol({ action: 'skip' });
  }, [running, controlProtocol]);
  const extendStep = useCallback(async () => {
    if (running) await controlProtocol({ action: 'extend', seconds: PROTOCOL_EXTEND_S });
  }, [running, controlProtocol]);

  const setMarkerLabels = useCallback((labels: MarkerLabels) => setLabels(saveMarkerLabels(labels)), []);
  const hotkeyMarker = useCallback(
    async (key: string) => {
      const hotkey = markerKeyOf(key);
      const label = hotkey && markerLabels[hotkey];
      if (!active || !label) return;
      try {
        await api.addMarker(label);
        setMarkers((m) => m + 1);
        setToast({ id: Date.now(), text: `Marker ${key}: ${label}` });
      } catch (e) {
        report(e, 'Add marker');
      }
    },
    [api, active, markerLabels, report],
  );

  return {
    protocols,
    refreshProtocols,
    protocolName,
    setProtocolName,
    openEnded,
    setOpenEnded,
    protocolRun,
    controlProtocol,
    toggleProtocolPause,
    skipStep,
    extendStep,
    markerLabels,
    setMarkerLabels,
    hotkeyMarker,
    toast,
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
    preflight,
    setRequired,
    startOverriding,
    start,
    stop,
    toggle,
    addMarker,
  };
}

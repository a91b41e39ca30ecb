import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { VitalsApi } from '../../../shared/api';
import { MAX_TRACK_COLUMNS, type AnalysisRunBeats, type BeatSeries, type NewLabel, type ReviewEvent, type ReviewStream, type SessionDetail, type TrackData } from '../../../shared/review';
import type { ModelMarks } from '../../../shared/model-runs';
import type { JobState } from '../../../shared/types';
import { unusableInTrack } from '../../../shared/ecg-usable';
import { errorMessage } from '../format';
import { usableChannel } from '../live/stream-layout';
import { keyOf } from '../key-event';
import { freezeRanges, GAIN_STEP, laneRanges, type AmplitudeMode, type Range } from './amplitude';
import { drawOverview, drawTimeAxis, drawTrack, plotColumns, PLOT_LEFT, PLOT_RIGHT_PAD, type CanvasLayout, type Overlays } from './draw-review';
import { HelpOverlay } from './HelpOverlay';
import { ExportDialog } from './ExportDialog';
import { AnalysisRuns } from './AnalysisRuns';
import { adjacentMark, marksByTrack } from './model-marks';
import { ModelRuns } from './ModelRuns';
import { HrvPanel } from './HrvPanel';
import { StepsPanel, useStepSummary } from './StepsPanel';
import { LabelBar } from './LabelBar';
import { LabelList } from './LabelList';
import { loadLabelList, saveLabelList, type LabelChoice } from './label-list';
import { measure, nearestBeat, valueAt, type MeasurePoint } from './measure';
import { beatAction } from './review-actions';
import { SelectedBeat } from './SelectedBeat';
import { JobProgress } from '../components/JobProgress';
import { reviewKeyAction } from './review-keys';
import { routeHash } from '../routes';
import { elapsedStyle, formatClock, formatElapsed, formatLength } from './time-axis';
import {
  centredOn,
  clampWindow,
  drawnAttr,
  initialWindow,
  nearestChoice,
  panBy,
  shiftBy,
  span,
  timeScale,
  wholeSession,
  withLength,
  WINDOW_CHOICES_S,
  zoomAround,
  type TimeWindow,
} from './time-window';
import { TrackFetcher } from './track-fetcher';
import { useReviewEdits } from './use-review-edits';

interface Props {
  api: VitalsApi;
  sessionId: number;
  /** The engine's jobs: a re-analysis of this session shows its progress. */
  jobs: readonly JobState[];
  report(error: unknown, context: string): void;
  /** Open at this moment (s from the start; an evaluation's error, say): centred, AT_SPAN_S wide, the ECG beat there selected. */
  at?: number;
}

/** The window a review opened at a moment shows: a few beats either side. */
const AT_SPAN_S = 4;
/** The beat selected at that moment lies this close to it (the evaluation's matching tolerance). */
const AT_BEAT_S = 0.15;

/** Streams whose beats can be edited (ECG R peaks, PPG systolic peaks); IMU streams show steps. */
const BEAT_KINDS = new Set(['ecg', 'ppg']);
const MARK_KINDS = new Set(['ecg', 'ppg', 'imu']);
/** A click this close (CSS px) to a beat mark picks the beat. */
const BEAT_HIT_PX = 6;
/** A press that moves less than this (CSS px) is a click, not a drag. */
const DRAG_PX = 3;

interface TrackState {
  mode: AmplitudeMode;
  fixed: (Range | null)[] | null;
}

type Drag =
  | { kind: 'pan'; x0: number; window: TimeWindow; moved: boolean; key: string; t: number; y: number }
  | { kind: 'select'; t0: number }
  | { kind: 'beat'; key: string; index: number; from: number; x0: number; moved: boolean }
  | { kind: 'overview' };

function laneHeight(channels: number): number {
  const lane = channels <= 1 ? 110 : channels <= 2 ? 80 : channels <= 4 ? 60 : 46;
  return Math.max(1, channels) * lane + 4;
}

/** Session review: synchronised tracks of every stream, overview, navigation, labels, beat editing, HRV. */
export function ReviewView({ api, sessionId, jobs, report, at }: Props) {
  const [detail, setDetail] = useState<SessionDetail | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [win, setWin] = useState<TimeWindow>({ t0: 0, t1: 1 });
  const [gain, setGain] = useState(1);
  const [trackState, setTrackState] = useState<Record<string, TrackState>>({});
  const [beats, setBeats] = useState<Record<string, BeatSeries>>({});
  const [runBeats, setRunBeats] = useState<AnalysisRunBeats | null>(null);
  const [modelMarks, setModelMarks] = useState<ModelMarks[]>([]);
  /** Per ECG stream, the stretches its recorded metrics flag unusable. */
  const [unusable, setUnusable] = useState<Record<string, [number, number][]>>({});
  const trackMarks = useMemo(() => marksByTrack(modelMarks), [modelMarks]);
  /** The mark `]`/`[` last jumped to: the next jump goes on from it while it is in view. */
  const lastMark = useRef<number | null>(null);
  const [selectedBeat, setSelectedBeat] = useState<{ key: string; index: number } | null>(null);
  const [dragBeat, setDragBeat] = useState<{ key: string; index: number; t: number } | null>(null);
  const [selection, setSelection] = useState<{ t0: number; t1: number } | null>(null);
  const [selectedLabel, setSelectedLabel] = useState<number | null>(null);
  const [points, setPoints] = useState<MeasurePoint[]>([]);
  const [cursor, setCursor] = useState<{ t: number; key: string } | null>(null);
  const [help, setHelp] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [labelChoices, setLabelChoices] = useState<LabelChoice[]>(() => loadLabelList(window.localStorage));
  const [hrvVersion, setHrvVersion] = useState(0);
  const [, setDataVersion] = useState(0);
  const [width, setWidth] = useState(0);

  const rootRef = useRef<HTMLElement>(null);
  const tracksRef = useRef<HTMLDivElement>(null);
  const canvases = useRef(new Map<string, HTMLCanvasElement>());
  const axisRef = useRef<HTMLCanvasElement>(null);
  const overviewRef = useRef<HTMLCanvasElement>(null);
  const overviewData = useRef<TrackData | null>(null);
  const drag = useRef<Drag | null>(null);

  const duration = detail?.duration ?? 0;
  const streams = useMemo(() => detail?.streams ?? [], [detail]);
  const keys = useMemo(() => streams.map((s) => s.key), [streams]);
  const columns = plotColumns(width);

  const reloadDetail = useCallback(
    () =>
      api.getSessionDetail(sessionId).then(
        (d) => {
          setDetail(d);
          setLoadError(null);
        },
        (e: unknown) => setLoadError(errorMessage(e)),
      ),
    [api, sessionId],
  );

  // Open the session: its detail, the first window, every stream's beats or steps.
  useEffect(() => {
    let stale = false;
    setDetail(null);
    api.getSessionDetail(sessionId).then(
      (d) => {
        if (stale) return;
        setDetail(d);
        setWin(at === undefined ? initialWindow(d.duration) : clampWindow(at - AT_SPAN_S / 2, AT_SPAN_S, d.duration));
        let selected = false;
        for (const s of d.streams) {
          if (!MARK_KINDS.has(s.kind) || s.derivedFrom) continue;
          api.getBeats(sessionId, s.key).then(
            (b) => {
              if (stale) return;
              setBeats((prev) => ({ ...prev, [s.key]: b }));
              const i = at !== undefined && s.kind === 'ecg' && !selected ? nearestBeat(b.t, at, AT_BEAT_S) : -1;
              if (i >= 0) {
                selected = true;
                setSelectedBeat({ key: s.key, index: i });
              }
            },
            (e: unknown) => !stale && report(e, `Beats of ${s.name}`),
          );
        }
      },
      (e: unknown) => !stale && setLoadError(errorMessage(e)),
    );
    return () => {
      stale = true;
    };
  }, [api, sessionId, report]);

  // An imported recording reviews before its detected beats exist: a job of its own brings them; read them again when it ends.
  const detecting = jobs.find((j) => j.kind === 'detect-beats' && j.sessionId === sessionId && j.state === 'running');
  const detectedJob = jobs.filter((j) => j.kind === 'detect-beats' && j.sessionId === sessionId && j.state === 'done').at(-1)?.id ?? null;
  const ecgKeys = streams.filter((s) => s.kind === 'ecg' && !s.derivedFrom).map((s) => s.key).join('\n');
  useEffect(() => {
    if (detectedJob === null || !ecgKeys) return;
    let stale = false;
    for (const key of ecgKeys.split('\n')) {
      api.getBeats(sessionId, key).then(
        (b) => !stale && setBeats((prev) => ({ ...prev, [key]: b })),
        (e: unknown) => !stale && report(e, `Beats of ${key}`),
      );
    }
    return () => {
      stale = true;
    };
  }, [api, sessionId, ecgKeys, detectedJob, report]);

  // Made in an effect (not a memo), so a disposed fetcher is never reused (StrictMode runs effects twice).
  const [fetcher, setFetcher] = useState<TrackFetcher | null>(null);
  useEffect(() => {
    if (keys.length === 0) return;
    const f = new TrackFetcher(api, sessionId, keys, () => setDataVersion((v) => v + 1), (e) => report(e, 'Read session data'));
    setFetcher(f);
    return () => f.dispose();
  }, [api, sessionId, keys, report]);
  // Re-timing and the overview are finished by a background job after a recording stops: read again when it ends.
  const finishedJob = jobs.filter((j) => j.kind === 'finish-session' && j.sessionId === sessionId && j.state === 'done').at(-1)?.id ?? null;
  useEffect(() => {
    if (finishedJob !== null) fetcher?.invalidate();
  }, [fetcher, finishedJob]);
  useEffect(() => {
    if (fetcher && width > 0) fetcher.request(win, columns);
  }, [fetcher, win, columns, width, finishedJob]);

  // The overview: one stream of the whole session, read again only when the width changes.
  useEffect(() => {
    const first = streams.find((s) => !s.derivedFrom) ?? streams[0];
    if (!first || width === 0 || !(duration > 0)) return;
    let stale = false;
    api.readTrack(sessionId, first.key, 0, duration, columns).then(
      (d) => {
        if (stale) return;
        overviewData.current = d;
        setDataVersion((v) => v + 1);
      },
      (e: unknown) => !stale && report(e, 'Session overview'),
    );
    return () => {
      stale = true;
    };
  }, [api, sessionId, streams, duration, columns, width, report]);

  // The live usability flag the recording kept (a metrics channel): read whole, one point a second.
  useEffect(() => {
    if (!(duration > 0)) return;
    let stale = false;
    for (const s of streams) {
      const flags = s.kind === 'ecg' && !s.derivedFrom ? usableChannel(s, streams) : undefined;
      if (!flags) continue;
      api.readTrack(sessionId, flags.key, 0, duration, Math.min(MAX_TRACK_COLUMNS, Math.ceil(duration) + 2)).then(
        (d) => !stale && setUnusable((prev) => ({ ...prev, [s.key]: unusableInTrack(d, flags.channel) })),
        (e: unknown) => !stale && report(e, `Usability of ${s.name}`),
      );
    }
    return () => {
      stale = true;
    };
  }, [api, sessionId, streams, duration, finishedJob, report]);

  useEffect(() => {
    const el = tracksRef.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setWidth(Math.round(el.clientWidth)));
    observer.observe(el);
    setWidth(Math.round(el.clientWidth));
    return () => observer.disconnect();
  }, [detail]);

  const edits = useReviewEdits({
    api,
    sessionId,
    onBeats: (series) => {
      setBeats((prev) => ({ ...prev, [series.key]: series }));
      setHrvVersion((v) => v + 1);
    },
    onLabels: () => void reloadDetail(),
    report,
  });

  const stepSummary = useStepSummary(api, sessionId);
  // The detail's protocol steps (no stream) are bands under every track, the time axis and the overview.
  const events = useMemo(() => detail?.events ?? [], [detail]);
  // Memoised: the HRV panel asks again whenever this list changes.
  const beatStreamKeys = streams.filter((s) => BEAT_KINDS.has(s.kind) && (beats[s.key]?.t.length ?? 0) > 0).map((s) => s.key).join('\n');
  const hrvStreams = useMemo(() => streams.filter((s) => beatStreamKeys.split('\n').includes(s.key)), [streams, beatStreamKeys]);
  const labels = useMemo(() => events.filter((e) => e.kind === 'label'), [events]);
  const shownBeats = useCallback(
    (key: string): BeatSeries | null => {
      const b = beats[key];
      if (!b || !dragBeat || dragBeat.key !== key) return b ?? null;
      const t = b.t.slice();
      t[dragBeat.index] = dragBeat.t;
      return { ...b, t };
    },
    [beats, dragBeat],
  );

  // Draw everything after every render; set data-drawn once the data on hand is the window shown.
  useEffect(() => {
    if (!detail || width === 0) return;
    const frame = requestAnimationFrame(() => {
      const dpr = window.devicePixelRatio || 1;
      const overlays = (key: string | null): Overlays => ({
        events: key === null ? events : events.filter((e) => !e.key || e.key === key),
        selection,
        selectedLabel,
        measure: points.map((p) => p.t),
        cursor: cursor?.t ?? null,
      });
      for (const s of detail.streams) {
        const canvas = canvases.current.get(s.key);
        const ctx = canvas && sizeCanvas(canvas, dpr);
        if (!canvas || !ctx) continue;
        const data = fetcher?.data.get(s.key) ?? null;
        const lanes = s.channels.map((_, c) => c);
        const st = trackState[s.key] ?? { mode: 'auto', fixed: null };
        drawTrack(ctx, layoutOf(canvas, dpr), {
          ...overlays(s.key),
          data,
          channels: s.channels,
          lanes,
          ranges: laneRanges(data, lanes, s.channels.map((ch) => ch.unit), st.mode, gain, st.fixed),
          window: win,
          beats: shownBeats(s.key),
          runBeats: runBeats && !s.derivedFrom && (s.kind === 'ecg' || s.kind === 'ppg') ? runBeats[s.kind] : null,
          modelMarks: trackMarks.get(s.key) ?? null,
          markKind: s.kind === 'imu' ? 'step' : 'beat',
          selectedBeat: selectedBeat?.key === s.key ? selectedBeat.index : null,
          note: data ? (s.samples === 0 ? 'no samples recorded' : null) : 'loading…',
          unusable: unusable[s.key],
        });
      }
      const axis = axisRef.current;
      const axisCtx = axis && sizeCanvas(axis, dpr);
      if (axis && axisCtx) drawTimeAxis(axisCtx, layoutOf(axis, dpr), win, detail.startedAt, overlays(null));
      const ov = overviewRef.current;
      const ovCtx = ov && sizeCanvas(ov, dpr);
      if (ov && ovCtx) drawOverview(ovCtx, layoutOf(ov, dpr), { data: overviewData.current, duration, window: win, events: events.filter((e) => e.kind === 'gap' || e.kind === 'label' || e.kind === 'step') });
      if (fetcher?.isCurrent(win, columns) && rootRef.current) rootRef.current.dataset.drawn = drawnAttr(win);
    });
    return () => cancelAnimationFrame(frame);
  });

  // ---- navigation and editing, shared by keys, buttons and the mouse
  const winRef = useRef(win);
  winRef.current = win;
  const moveWindow = useCallback((next: (w: TimeWindow) => TimeWindow) => setWin((w) => next(w)), []);

  const beatKeyForAction = (): string | null => {
    if (cursor && BEAT_KINDS.has(kindOf(streams, cursor.key)) && beats[cursor.key]) return cursor.key;
    if (selectedBeat) return selectedBeat.key;
    return streams.find((s) => BEAT_KINDS.has(s.kind) && beats[s.key])?.key ?? null;
  };

  const deleteBeat = (): void => {
    if (!selectedBeat) return;
    const b = beats[selectedBeat.key];
    const t = b?.t[selectedBeat.index];
    if (t === undefined) return;
    edits.perform(beatAction(selectedBeat.key, { op: 'delete', t }, { rejected: b.rejected[selectedBeat.index], class: b.classes?.[selectedBeat.index] }));
    setSelectedBeat(null);
  };
  const rejectBeat = (): void => {
    if (!selectedBeat) return;
    const b = beats[selectedBeat.key];
    const t = b?.t[selectedBeat.index];
    if (t === undefined) return;
    edits.perform(beatAction(selectedBeat.key, { op: b.rejected[selectedBeat.index] ? 'unreject' : 'reject', t }));
  };
  /** Sets the selected beat's class; the class it has already clears it. */
  const classifyBeat = (cls: string): void => {
    if (!selectedBeat) return;
    const b = beats[selectedBeat.key];
    const t = b?.t[selectedBeat.index];
    if (t === undefined) return;
    const before = b.classes?.[selectedBeat.index] ?? null;
    edits.perform(beatAction(selectedBeat.key, { op: 'classify', t, class: before === cls ? null : cls }, { class: before }));
  };
  const addBeat = (key: string | null, t: number | undefined): void => {
    if (!key || t === undefined) return;
    edits.perform(beatAction(key, { op: 'add', t }));
  };

  const resetBeats = (s: ReviewStream): void => {
    if (!window.confirm(`Discard every edit of the ${s.name} beats? The detector's beats become current again; this cannot be undone.`)) return;
    api.resetBeats(sessionId, s.key).then(
      (series) => {
        setBeats((prev) => ({ ...prev, [series.key]: series }));
        setSelectedBeat(null);
        setHrvVersion((v) => v + 1);
      },
      (e: unknown) => report(e, `Reset the beats of ${s.name}`),
    );
  };

  const applyLabel = (text: string): void => {
    const trimmed = text.trim();
    if (!trimmed) return;
    if (selectedLabel !== null) {
      const old = labels.find((l) => l.id === selectedLabel);
      if (old) edits.perform({ kind: 'label-update', id: old.id, from: asNewLabel(old), to: { ...asNewLabel(old), text: trimmed } });
      return;
    }
    if (!selection) return;
    const t0 = Math.min(selection.t0, selection.t1);
    edits.perform({ kind: 'label-add', label: { t: t0, duration: Math.abs(selection.t1 - selection.t0), text: trimmed } });
    setSelection(null);
  };

  const openAgreement = (): void => {
    window.location.hash = routeHash({ view: 'agreement', sessionId });
  };

  const keyHandler = useRef<(e: KeyboardEvent) => void>(() => {});
  keyHandler.current = (e: KeyboardEvent): void => {
    const action = reviewKeyAction(keyOf(e));
    if (!action || !detail) return;
    e.preventDefault();
    switch (action.kind) {
      case 'pan':
        return moveWindow((w) => panBy(w, action.windows, duration));
      case 'zoom':
        return moveWindow((w) => zoomAround(w, action.factor, (w.t0 + w.t1) / 2, duration));
      case 'start':
        return moveWindow((w) => clampWindow(0, span(w), duration));
      case 'end':
        return moveWindow((w) => clampWindow(duration - span(w), span(w), duration));
      case 'whole':
        return moveWindow(() => wholeSession(duration));
      case 'gain':
        return setGain((g) => (action.up ? g * GAIN_STEP : g / GAIN_STEP));
      case 'delete-beat':
        return deleteBeat();
      case 'reject-beat':
        return rejectBeat();
      case 'classify-beat':
        return classifyBeat(action.class);
      case 'add-beat':
        return addBeat(beatKeyForAction(), cursor?.t);
      case 'undo':
        return edits.undo();
      case 'redo':
        return edits.redo();
      case 'label': {
        const choice = labelChoices.find((l) => l.hotkey === action.hotkey);
        if (choice) applyLabel(choice.text);
        return;
      }
      case 'help':
        return setHelp((h) => !h);
      case 'agreement':
        return openAgreement();
      case 'mark': {
        const from = lastMark.current !== null && lastMark.current >= win.t0 && lastMark.current <= win.t1 ? lastMark.current : (win.t0 + win.t1) / 2;
        const t = adjacentMark(trackMarks, from, action.direction);
        if (t === null) return;
        lastMark.current = t;
        return moveWindow((w) => centredOn(w, t, duration));
      }
      case 'escape':
        setHelp(false);
        setSelection(null);
        setSelectedLabel(null);
        setSelectedBeat(null);
        setPoints([]);
        return;
    }
  };
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => keyHandler.current(e);
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // ---- mouse on the tracks: wheel zooms, drag pans, Shift+drag selects, click measures or picks a beat
  const timeAtX = (clientX: number, el: HTMLElement): number => {
    const rect = el.getBoundingClientRect();
    const plotW = rect.width - PLOT_LEFT - PLOT_RIGHT_PAD;
    return timeScale(winRef.current, PLOT_LEFT, plotW).t(clientX - rect.left);
  };
  const pxPerSecond = (el: HTMLElement): number => (el.getBoundingClientRect().width - PLOT_LEFT - PLOT_RIGHT_PAD) / span(winRef.current);

  useEffect(() => {
    const el = tracksRef.current;
    if (!el) return;
    const onWheel = (e: WheelEvent): void => {
      e.preventDefault();
      const anchor = timeAtX(e.clientX, el);
      const factor = e.deltaY > 0 ? 1.25 : 0.8;
      setWin((w) => zoomAround(w, factor, anchor, durationRef.current));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [detail]);
  const durationRef = useRef(duration);
  durationRef.current = duration;

  const trackAt = (e: React.MouseEvent): string | null => (e.target instanceof HTMLCanvasElement ? (e.target.dataset.stream ?? null) : null);

  const onTrackDown = (e: React.MouseEvent<HTMLDivElement>): void => {
    if (e.button !== 0 || !detail) return;
    const key = trackAt(e);
    if (!key) return;
    const el = e.currentTarget;
    const t = timeAtX(e.clientX, el);
    if (e.shiftKey) {
      drag.current = { kind: 'select', t0: t };
      setSelection({ t0: t, t1: t });
      setSelectedLabel(null);
      return;
    }
    const b = beats[key];
    if (b && BEAT_KINDS.has(kindOf(streams, key))) {
      const i = nearestBeat(b.t, t, BEAT_HIT_PX / pxPerSecond(el));
      if (i >= 0) {
        drag.current = { kind: 'beat', key, index: i, from: b.t[i], x0: e.clientX, moved: false };
        return;
      }
    }
    drag.current = { kind: 'pan', x0: e.clientX, window: win, moved: false, key, t, y: e.clientY };
  };

  useEffect(() => {
    const onMove = (e: MouseEvent): void => {
      const d = drag.current;
      const el = tracksRef.current;
      if (!d || !el) return;
      if (d.kind === 'pan') {
        if (Math.abs(e.clientX - d.x0) < DRAG_PX && !d.moved) return;
        d.moved = true;
        const dt = (e.clientX - d.x0) / pxPerSecond(el);
        setWin(shiftBy(d.window, -dt, durationRef.current));
      } else if (d.kind === 'select') {
        const axis = axisRef.current;
        setSelection({ t0: d.t0, t1: timeAtX(e.clientX, axis ?? el) });
      } else if (d.kind === 'beat') {
        if (Math.abs(e.clientX - d.x0) < DRAG_PX && !d.moved) return;
        d.moved = true;
        setDragBeat({ key: d.key, index: d.index, t: timeAtX(e.clientX, el) });
      } else if (d.kind === 'overview' && overviewRef.current) {
        const t = overviewTime(e.clientX, overviewRef.current, durationRef.current);
        setWin((w) => centredOn(w, t, durationRef.current));
      }
    };
    const onUp = (e: MouseEvent): void => {
      const d = drag.current;
      drag.current = null;
      const el = tracksRef.current;
      if (!d || !el) return;
      if (d.kind === 'pan' && !d.moved) addPoint.current(d.key, d.t);
      else if (d.kind === 'select') {
        setSelection((s) => (s && Math.abs(s.t1 - s.t0) * pxPerSecond(el) >= DRAG_PX ? normalised(s) : null));
      } else if (d.kind === 'beat') {
        setDragBeat(null);
        if (!d.moved) setSelectedBeat({ key: d.key, index: d.index });
        else {
          const to = timeAtX(e.clientX, el);
          editsRef.current.perform(beatAction(d.key, { op: 'move', from: d.from, to }));
          setSelectedBeat(null);
        }
      }
    };
    window.addEventListener('mousemove', onMove);
    window.addEventListener('mouseup', onUp);
    return () => {
      window.removeEventListener('mousemove', onMove);
      window.removeEventListener('mouseup', onUp);
    };
  }, []);
  const editsRef = useRef(edits);
  editsRef.current = edits;

  const addPoint = useRef<(key: string, t: number) => void>(() => {});
  addPoint.current = (key: string, t: number): void => {
    const stream = streams.find((s) => s.key === key);
    const data = fetcher?.data.get(key);
    const point: MeasurePoint = { t, key, value: data ? valueAt(data, 0, t) : null, unit: stream?.channels[0]?.unit ?? '' };
    setPoints((prev) => (prev.length >= 2 ? [point] : [...prev, point]));
    setSelectedBeat(null);
  };

  const onTrackHover = (e: React.MouseEvent<HTMLDivElement>): void => {
    const key = trackAt(e);
    if (key) setCursor({ key, t: timeAtX(e.clientX, e.currentTarget) });
  };

  const onTrackDouble = (e: React.MouseEvent<HTMLDivElement>): void => {
    const key = trackAt(e);
    if (!key || !BEAT_KINDS.has(kindOf(streams, key)) || !beats[key]) return;
    addBeat(key, timeAtX(e.clientX, e.currentTarget));
    setPoints([]);
  };

  const setMode = (s: ReviewStream, mode: AmplitudeMode): void => {
    const data = fetcher?.data.get(s.key) ?? null;
    const fixed = mode === 'fixed' ? freezeRanges(data, s.channels.map((_, c) => c), s.channels.map((ch) => ch.unit)) : null;
    setTrackState((prev) => ({ ...prev, [s.key]: { mode, fixed } }));
  };

  const saveChoices = (list: LabelChoice[]): void => {
    setLabelChoices(list);
    saveLabelList(window.localStorage, list);
  };

  if (loadError) {
    return (
      <section className="panel review" data-review aria-label="Review">
        <p className="empty" data-testid="review-error">
          Session {sessionId} could not be opened: {loadError}. <a href="#/sessions">Back to the sessions</a>
        </p>
      </section>
    );
  }
  if (!detail) {
    return (
      <section className="panel review" data-review aria-label="Review">
        <p className="empty">Opening session {sessionId}…</p>
      </section>
    );
  }

  const m = points.length === 2 ? measure(points[0], points[1]) : null;
  const cursorValues = cursor ? readout(streams, fetcher?.data, cursor.t) : [];
  const length = span(win);

  return (
    <section ref={rootRef} className="panel review" data-review aria-label={`Review of ${detail.name}`} data-session-id={detail.id}>
      <header className="panel-head review-head">
        <a href="#/sessions" className="back" title="Back to the sessions">
          ← Sessions
        </a>
        <h2 data-testid="review-title">{detail.name}</h2>
        {detail.participant ? <span className="tag">{detail.participant}</span> : null}
        {detail.status !== 'complete' ? <span className={`badge status-${detail.status}`}>{detail.status}</span> : null}
        <span className="muted small mono">
          {new Date(detail.startedAt * 1000).toLocaleString()} · {formatLength(detail.duration)}
        </span>
        {detecting ? <JobProgress job={detecting} testId="detect-beats-progress" cancelTestId="detect-beats-cancel" onCancel={(id) => void api.cancelJob(id)} /> : null}
        <span className="spacer" />
        <label className="field-inline">
          Window
          <select
            value={nearestChoice(length)}
            onChange={(e) => setWin((w) => withLength(w, Number(e.target.value), duration))}
            data-testid="review-window"
            title="Window length (+/- zoom, 0 whole session)"
          >
            {WINDOW_CHOICES_S.map((c) => (
              <option key={c} value={c}>
                {formatLength(c)}
              </option>
            ))}
          </select>
        </label>
        <span className="mono small" data-testid="review-range" title="The window shown, from the session start">
          {formatElapsed(win.t0, length / 10, elapsedStyle(win.t1))} – {formatElapsed(win.t1, length / 10, elapsedStyle(win.t1))} ({formatLength(length)})
        </span>
        <button type="button" onClick={() => moveWindow((w) => zoomAround(w, 0.5, (w.t0 + w.t1) / 2, duration))} title="Zoom in (+)">
          +
        </button>
        <button type="button" onClick={() => moveWindow((w) => zoomAround(w, 2, (w.t0 + w.t1) / 2, duration))} title="Zoom out (-)">
          −
        </button>
        <button type="button" onClick={() => moveWindow(() => wholeSession(duration))} title="Whole session (0)">
          All
        </button>
        <span className="muted small" title="Amplitude gain (↑/↓)">
          ×{gain.toFixed(2)}
        </span>
        <button type="button" onClick={edits.undo} disabled={!edits.undoTitle} title={edits.undoTitle ?? 'Nothing to undo'} data-testid="review-undo">
          Undo
        </button>
        <button type="button" onClick={edits.redo} disabled={!edits.redoTitle} title={edits.redoTitle ?? 'Nothing to redo'} data-testid="review-redo">
          Redo
        </button>
        <button type="button" onClick={() => setExporting(true)} title="Export this session, the view or the selection" data-testid="review-export">
          Export…
        </button>
        <button type="button" onClick={openAgreement} title="Agreement of one source with a reference: bias, limits of agreement, Bland-Altman (B)" data-testid="review-agreement">
          Agreement…
        </button>
        <button type="button" onClick={() => setHelp((h) => !h)} title="Keys and gestures (?)" data-testid="review-help-toggle">
          ?
        </button>
      </header>
      <LabelBar
        selection={selection}
        selectedLabel={labels.find((l) => l.id === selectedLabel) ?? null}
        choices={labelChoices}
        onApply={applyLabel}
        onChoices={saveChoices}
        onClear={() => {
          setSelection(null);
          setSelectedLabel(null);
        }}
      />
      <div className="review-body">
        <div className="review-main">
          <canvas
            ref={overviewRef}
            className="review-overview"
            data-testid="review-overview"
            title="The whole session: click or drag to move the window"
            onMouseDown={(e) => {
              drag.current = { kind: 'overview' };
              const t = overviewTime(e.clientX, e.currentTarget, duration);
              setWin((w) => centredOn(w, t, duration));
            }}
          />
          <canvas
            ref={axisRef}
            className="review-axis"
            data-testid="review-axis"
            title="Drag here to select an interval to label"
            onMouseDown={(e) => {
              const t = timeAtX(e.clientX, e.currentTarget);
              drag.current = { kind: 'select', t0: t };
              setSelection({ t0: t, t1: t });
              setSelectedLabel(null);
            }}
          />
          <div
            ref={tracksRef}
            className="review-tracks"
            onMouseDown={onTrackDown}
            onMouseMove={onTrackHover}
            onMouseLeave={() => setCursor(null)}
            onDoubleClick={onTrackDouble}
            data-testid="review-tracks"
          >
            {streams.map((s) => {
              const st = trackState[s.key]?.mode ?? 'auto';
              const b = beats[s.key];
              return (
                <figure key={s.key} className="review-track" data-testid={`track-${s.key}`}>
                  <figcaption className="strip-head">
                    <span className="strip-name">{s.name}</span>
                    <span className="tag">{s.kind}</span>
                    <span className="muted">{s.rate > 0 ? `${s.rate} Hz` : 'irregular'}</span>
                    {s.derivedFrom ? <span className="muted small">from {s.derivedFrom}</span> : null}
                    {b ? (
                      <span className="muted small" data-testid={`beats-${s.key}`} data-count={b.t.length} data-rejected={b.rejected.filter(Boolean).length}>
                        {b.t.length} {s.kind === 'imu' ? 'steps' : 'beats'} ({b.set}){b.rejected.some(Boolean) ? `, ${b.rejected.filter(Boolean).length} rejected` : ''}
                      </span>
                    ) : null}
                    {trackMarks.has(s.key) ? (
                      <span className="muted small model-mark-count" data-testid={`model-marks-${s.key}`} data-count={trackMarks.get(s.key)!.t.length}>
                        {trackMarks.get(s.key)!.t.length} model marks
                      </span>
                    ) : null}
                    {b?.set === 'corrected' ? (
                      <button type="button" onClick={() => resetBeats(s)} title="Discard every edit of these beats: the detector's set is current again (cannot be undone)" data-testid={`beats-reset-${s.key}`}>
                        Reset to detected
                      </button>
                    ) : null}
                    <span className="spacer" />
                    <select value={st} onChange={(e) => setMode(s, e.target.value as AmplitudeMode)} title="Amplitude scale" data-testid={`amplitude-${s.key}`}>
                      <option value="auto">auto (one scale per unit)</option>
                      <option value="per-channel">per channel</option>
                      <option value="fixed">fixed</option>
                    </select>
                  </figcaption>
                  <canvas
                    ref={(el) => {
                      if (el) canvases.current.set(s.key, el);
                      else canvases.current.delete(s.key);
                    }}
                    className="review-canvas"
                    data-stream={s.key}
                    // For tests and curious users: the stretches shaded unusable, "t0-t1" s from the start.
                    data-unusable={unusable[s.key]?.map(([a, b]) => `${a.toFixed(1)}-${b.toFixed(1)}`).join(' ')}
                    style={{ height: laneHeight(s.channels.length) }}
                  />
                </figure>
              );
            })}
          </div>
          <div className="review-readout mono small" data-testid="review-readout">
            {cursor ? (
              <span>
                {formatElapsed(cursor.t, length / 1000)} · {formatClock(detail.startedAt + cursor.t, length / 1000)}
                {cursorValues.map((v) => (
                  <span key={v} className="readout-value">
                    {v}
                  </span>
                ))}
              </span>
            ) : (
              <span className="muted">Point at a track for its values; click two points to measure.</span>
            )}
            {m ? (
              <span className="measure" data-testid="review-measure">
                Δt {formatLength(m.dt)}
                {m.dValue !== null ? ` · Δ ${m.dValue.toPrecision(4)} ${m.unit}` : ''}
                {m.bpm !== null ? ` · ${m.bpm.toFixed(1)} bpm` : ''}
              </span>
            ) : null}
          </div>
        </div>
        <aside className="review-side">
          <StepsPanel summary={stepSummary} onSelect={(step) => moveWindow(() => clampWindow(step.start_s, step.end_s - step.start_s, duration))} />
          <HrvPanel api={api} sessionId={sessionId} streams={hrvStreams} window={win} version={hrvVersion} />
          <SelectedBeat beat={selectedBeat} beats={beats} onDelete={deleteBeat} onReject={rejectBeat} />
          <LabelList
            labels={labels}
            selected={selectedLabel}
            onSelect={(l) => {
              setSelectedLabel(l.id);
              setSelection(null);
              moveWindow((w) => (l.t >= w.t0 && l.t <= w.t1 ? w : centredOn(w, l.t + l.duration / 2, duration)));
            }}
            onDelete={(l) => edits.perform({ kind: 'label-delete', id: l.id, label: asNewLabel(l) })}
          />
        </aside>
      </div>
      {exporting ? (
        <ExportDialog
          api={api}
          sessionId={sessionId}
          jobs={jobs}
          view={win}
          selection={selection && selection.t0 !== selection.t1 ? { t0: Math.min(selection.t0, selection.t1), t1: Math.max(selection.t0, selection.t1) } : null}
          onClose={() => setExporting(false)}
        />
      ) : null}
      <AnalysisRuns api={api} sessionId={sessionId} jobs={jobs} onShowBeats={setRunBeats} />
      <ModelRuns api={api} sessionId={sessionId} jobs={jobs} onMarks={setModelMarks} />
      {help ? <HelpOverlay onClose={() => setHelp(false)} /> : null}
    </section>
  );
}

function asNewLabel(e: ReviewEvent): NewLabel {
  return { t: e.t, duration: e.duration, text: e.text, ...(e.key ? { key: e.key } : {}) };
}

function normalised(s: { t0: number; t1: number }): { t0: number; t1: number } {
  return { t0: Math.min(s.t0, s.t1), t1: Math.max(s.t0, s.t1) };
}

function kindOf(streams: readonly ReviewStream[], key: string): string {
  return streams.find((s) => s.key === key)?.kind ?? '';
}

function overviewTime(clientX: number, el: HTMLElement, duration: number): number {
  const rect = el.getBoundingClientRect();
  return timeScale({ t0: 0, t1: duration }, PLOT_LEFT, rect.width - PLOT_LEFT - PLOT_RIGHT_PAD).t(clientX - rect.left);
}

/** "name: value unit" per channel of every track with data under the cursor. */
function readout(streams: readonly ReviewStream[], data: Map<string, TrackData> | undefined, t: number): string[] {
  const out: string[] = [];
  for (const s of streams) {
    const d = data?.get(s.key);
    if (!d) continue;
    s.channels.forEach((ch, c) => {
      const v = valueAt(d, c, t, 2 / Math.max(s.rate, 1e-3));
      if (v !== null) out.push(`${s.name}.${ch.label} ${v.toPrecision(4)}${ch.unit ? ` ${ch.unit}` : ''}`);
    });
  }
  return out;
}

function sizeCanvas(canvas: HTMLCanvasElement, dpr: number): CanvasRenderingContext2D | null {
  const w = Math.max(1, Math.round(canvas.clientWidth * dpr));
  const h = Math.max(1, Math.round(canvas.clientHeight * dpr));
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  return canvas.getContext('2d', { alpha: false });
}

function layoutOf(canvas: HTMLCanvasElement, dpr: number): CanvasLayout {
  return { width: canvas.clientWidth, height: canvas.clientHeight, dpr };
}

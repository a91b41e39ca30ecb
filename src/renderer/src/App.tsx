import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { RendererApi } from './api';
import { ConnectionBanner } from './components/ConnectionBanner';
import { ErrorBanner } from './components/ErrorBanner';
import { useErrors } from './components/use-errors';
import { DevicesPanel } from './devices/DevicesPanel';
import { LiveView } from './live/LiveView';
import { SessionsTable } from './review/SessionsTable';
import { SHORTCUT_HELP, shortcutFor } from './shortcuts';
import { RecordBar, RecorderBanner } from './study/RecordBar';
import { useRecording } from './study/use-recording';
import { useEngine } from './use-engine';

export function App({ api }: { api: RendererApi }) {
  const { errors, report, dismiss } = useErrors();
  const engine = useEngine(api, report);
  const [paused, setPaused] = useState(false);
  const togglePause = useCallback(() => setPaused((p) => !p), []);
  const [filterAll, setFilterAll] = useState(false);
  const toggleFilterAll = useCallback(() => setFilterAll((f) => !f), []);

  // An export is a job: its progress and outcome arrive with the status pushes.
  const exportSession = useCallback(
    (sessionId: number): void => {
      api.exportSession(sessionId).then(engine.refreshStatus, (error: unknown) => report(error, `export of session ${sessionId}`));
    },
    [api, report, engine.refreshStatus],
  );
  const cancelJob = useCallback(
    (jobId: number): void => {
      api.cancelJob(jobId).catch((error: unknown) => report(error, `cancel job ${jobId}`));
    },
    [api, report],
  );

  const rec = useRecording({
    api,
    active: engine.status?.recording ?? null,
    report,
    refreshStatus: engine.refreshStatus,
    onStopped: engine.refreshSessions,
  });

  // Keyboard shortcuts; the handler reads the latest state through a ref.
  const actions = useRef({ togglePause, toggleFilterAll, rec });
  useEffect(() => {
    actions.current = { togglePause, toggleFilterAll, rec };
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const target = e.target instanceof HTMLElement ? e.target : null;
      const action = shortcutFor({
        key: e.key,
        ctrlKey: e.ctrlKey,
        metaKey: e.metaKey,
        altKey: e.altKey,
        repeat: e.repeat,
        targetTag: target?.tagName ?? '',
        targetEditable: target?.isContentEditable ?? false,
      });
      if (!action) return;
      e.preventDefault();
      const a = actions.current;
      if (action === 'pause') a.togglePause();
      else if (action === 'record') void a.rec.toggle();
      else if (action === 'filter') a.toggleFilterAll();
      else void a.rec.addMarker();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // Nothing escapes uncaught: stray rejections and errors land in the banner too.
  useEffect(() => {
    const onRejection = (e: PromiseRejectionEvent): void => {
      e.preventDefault();
      report(e.reason, 'Unexpected');
    };
    const onError = (e: ErrorEvent): void => report(e.error ?? e.message, 'Unexpected');
    window.addEventListener('unhandledrejection', onRejection);
    window.addEventListener('error', onError);
    return () => {
      window.removeEventListener('unhandledrejection', onRejection);
      window.removeEventListener('error', onError);
    };
  }, [report]);

  // A part of the engine that failed on live data (the others carried on) is shown like a command's error.
  const listenerError = engine.status?.listenerError;
  useEffect(() => {
    if (listenerError) report(listenerError, 'Engine');
  }, [listenerError, report]);

  const streams = useMemo(() => engine.status?.streams ?? [], [engine.status?.streams]);
  const linkOk = !engine.connection || engine.connection.kind === 'open';

  return (
    <div className="app">
      <header className="topbar">
        <h1 className="brand">
          Vitalscope
          <span className={`link-dot ${linkOk ? 'ok' : 'down'}`} title={linkOk ? 'Connected to engine' : 'Not connected to engine'} />
        </h1>
        <RecordBar rec={rec} />
      </header>
      <ConnectionBanner state={engine.connection} onRetry={api.reconnectNow?.bind(api)} />
      <ErrorBanner errors={errors} onDismiss={dismiss} />
      <RecorderBanner recording={engine.status?.recording ?? null} />
      <main className="workbench">
        <DevicesPanel
          api={api}
          status={engine.status}
          epoch={engine.epoch}
          report={report}
          refreshStatus={engine.refreshStatus}
        />
        <LiveView
          api={api}
          streams={streams}
          paused={paused}
          onTogglePause={togglePause}
          analysis={engine.status?.analysis ?? null}
          filterAll={filterAll}
          onToggleFilterAll={toggleFilterAll}
        />
        <SessionsTable
          sessions={engine.sessions}
          jobs={engine.status?.jobs ?? []}
          onRefresh={engine.refreshSessions}
          onExport={exportSession}
          onCancel={cancelJob}
        />
      </main>
      <footer className="help-line">
        <span>{SHORTCUT_HELP}</span>
      </footer>
    </div>
  );
}

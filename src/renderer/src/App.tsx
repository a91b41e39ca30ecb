import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { RendererApi } from './api';
import { ConnectionBanner } from './components/ConnectionBanner';
import { ErrorBanner } from './components/ErrorBanner';
import { useErrors } from './components/use-errors';
import { DevicesPanel } from './devices/DevicesPanel';
import { LiveView } from './live/LiveView';
import { EvaluationView } from './models/EvaluationView';
import { ModelsView } from './models/ModelsView';
import { DeviceSummary } from './devices/DeviceSummary';
import { keyOf } from './key-event';
import { ReviewView } from './review/ReviewView';
import { FileImports, useFileImports } from './review/FileImports';
import { SessionsTable } from './review/SessionsTable';
import { droppedFiles } from './dropped-files';
import { ROUTE_TABS, routeHash, sessionTabs, type Route } from './routes';
import { AgreementView } from './study/AgreementView';
import { SHORTCUT_HELP, shortcutFor } from './shortcuts';
import { RecordBar, RecorderBanner } from './study/RecordBar';
import { ProtocolPanel } from './study/ProtocolPanel';
import { useRecording } from './study/use-recording';
import { StudyView } from './study/StudyView';
import { useStudyRecords } from './study/use-study-records';
import { useEngine } from './use-engine';
import { useRoute } from './use-route';

export function App({ api }: { api: RendererApi }) {
  const { errors, report, dismiss } = useErrors();
  const engine = useEngine(api, report);
  const [route, navigate] = useRoute();
  const [paused, setPaused] = useState(false);
  const togglePause = useCallback(() => setPaused((p) => !p), []);
  const [filterAll, setFilterAll] = useState(false);
  const toggleFilterAll = useCallback(() => setFilterAll((f) => !f), []);

  const cancelJob = useCallback(
    (jobId: number): void => {
      api.cancelJob(jobId).catch((error: unknown) => report(error, `cancel job ${jobId}`));
    },
    [api, report],
  );

  // Files dropped anywhere on the window are imported (models to the models, the rest as sessions); a drop a panel took itself is left to it.
  const fileImports = useFileImports(api, engine.status?.jobs ?? [], engine.refreshSessions);
  const [dropOver, setDropOver] = useState(false);
  const startImports = fileImports.start;
  useEffect(() => {
    const hasFiles = (e: DragEvent): boolean => !!e.dataTransfer && [...e.dataTransfer.types].includes('Files');
    const onOver = (e: DragEvent): void => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      setDropOver(true);
    };
    const onLeave = (e: DragEvent): void => {
      if (e.relatedTarget === null) setDropOver(false);
    };
    const onDrop = (e: DragEvent): void => {
      setDropOver(false);
      if (e.defaultPrevented || !hasFiles(e)) return;
      e.preventDefault();
      void droppedFiles(e.dataTransfer!).then(startImports, (error: unknown) => report(error, 'Dropped files'));
    };
    window.addEventListener('dragover', onOver);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('drop', onDrop);
    };
  }, [startImports, report]);

  const records = useStudyRecords(api, report, engine.sessions);
  const rec = useRecording({
    api,
    records,
    active: engine.status?.recording ?? null,
    preflight: engine.status?.preflight ?? null,
    protocolRun: engine.status?.protocol ?? null,
    report,
    refreshStatus: engine.refreshStatus,
    onStopped: engine.refreshSessions,
  });

  // Keyboard shortcuts; the handler reads the latest state through a ref.
  const actions = useRef({ togglePause, toggleFilterAll, rec, view: route.view });
  useEffect(() => {
    actions.current = { togglePause, toggleFilterAll, rec, view: route.view };
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const a = actions.current;
      const action = shortcutFor(keyOf(e), a.view);
      if (!action) return;
      e.preventDefault();
      if (action === 'pause') a.togglePause();
      else if (action === 'record') void a.rec.toggle();
      else if (action === 'filter') a.toggleFilterAll();
      else if (action === 'marker-key') void a.rec.hotkeyMarker(e.key);
      else if (action === 'step-pause') void a.rec.toggleProtocolPause();
      else if (action === 'step-skip') void a.rec.skipStep();
      else if (action === 'step-extend') void a.rec.extendStep();
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
    <div className={`app${dropOver ? ' drop-over' : ''}`}>
      <header className="topbar">
        <h1 className="brand">
          Vitalscope
          <span className={`link-dot ${linkOk ? 'ok' : 'down'}`} title={linkOk ? 'Connected to engine' : 'Not connected to engine'} />
        </h1>
        <RouteTabs route={route} />
        <DeviceSummary devices={engine.status?.devices ?? []} onOpen={() => navigate({ view: 'live' })} />
        <RecordBar rec={rec} api={api} records={records} />
      </header>
      <ConnectionBanner state={engine.connection} onRetry={api.reconnectNow?.bind(api)} />
      <ErrorBanner errors={errors} onDismiss={dismiss} />
      <RecorderBanner recording={engine.status?.recording ?? null} />
      <ProtocolPanel rec={rec} />
      {route.view === 'live' ? (
        <main className="workbench" data-route="live">
          <DevicesPanel api={api} status={engine.status} epoch={engine.epoch} report={report} refreshStatus={engine.refreshStatus} />
          <LiveView
            api={api}
            streams={streams}
            paused={paused}
            onTogglePause={togglePause}
            analysis={engine.status?.analysis ?? null}
            filterAll={filterAll}
            onToggleFilterAll={toggleFilterAll}
          />
        </main>
      ) : route.view === 'sessions' ? (
        <main className="page" data-route="sessions">
          <div className="page-fill">
            <SessionsTable
              sessions={engine.sessions}
              jobs={engine.status?.jobs ?? []}
              onRefresh={engine.refreshSessions}
              onImportFiles={startImports}
              onCancel={cancelJob}
            />
          </div>
        </main>
      ) : route.view === 'evaluation' ? (
        <main className="page" data-route="evaluation">
          <EvaluationView api={api} jobs={engine.status?.jobs ?? []} />
        </main>
      ) : route.view === 'study' ? (
        <main className="page" data-route="study">
          <StudyView api={api} records={records} protocols={rec.protocols} onProtocolsChanged={rec.refreshProtocols} />
        </main>
      ) : route.view === 'models' ? (
        <main className="page" data-route="models">
          <ModelsView api={api} streams={streams} models={engine.status?.analysis.models ?? []} refreshStatus={engine.refreshStatus} />
        </main>
      ) : route.view === 'agreement' ? (
        <main className="page" data-route="agreement">
          <AgreementView key={route.sessionId} api={api} sessionId={route.sessionId} />
        </main>
      ) : (
        <main className="page" data-route="review">
          <ReviewView key={`${route.sessionId}@${route.t ?? ''}`} api={api} sessionId={route.sessionId} at={route.t} jobs={engine.status?.jobs ?? []} report={report} />
        </main>
      )}
      <FileImports imports={fileImports.imports} jobs={engine.status?.jobs ?? []} onCancel={cancelJob} onClear={fileImports.clear} />
      <footer className="help-line">
        <span>{SHORTCUT_HELP[route.view]}</span>
      </footer>
    </div>
  );
}

/** The route tabs; the open session's review gets a tab of its own. */
function RouteTabs({ route }: { route: Route }) {
  const tabs = [...ROUTE_TABS, ...sessionTabs(route)];
  return (
    <nav className="route-tabs" aria-label="Views">
      {tabs.map((t) => (
        <a
          key={t.label}
          href={routeHash(t.route)}
          className={t.route.view === route.view ? 'active' : ''}
          aria-current={t.route.view === route.view ? 'page' : undefined}
          data-testid={`tab-${t.route.view}`}
        >
          {t.label}
        </a>
      ))}
    </nav>
  );
}

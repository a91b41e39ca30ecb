import { useCallback, useEffect, useRef, useState } from 'react';
import type { EngineStatus, SessionSummary } from '../../shared/types';
import type { ConnectionState, RendererApi } from './api';
import { isEngineLinkError } from './api/connection';

/** Link state, pushed engine status and the sessions list, kept fresh across reconnects. */
export function useEngine(api: RendererApi, report: (e: unknown, context: string) => void) {
  const [connection, setConnection] = useState<ConnectionState | null>(null);
  const [status, setStatus] = useState<EngineStatus | null>(null);
  const [sessions, setSessions] = useState<SessionSummary[] | null>(null);
  /** Bumped every time the link (re)opens, so panels reload what they list. */
  const [epoch, setEpoch] = useState(0);
  const wasOpen = useRef(false);

  useEffect(() => {
    if (!api.onConnection) return;
    return api.onConnection((state) => {
      setConnection(state);
      // Whatever the engine said last is stale once the link is down.
      if (state.kind !== 'open' && state.kind !== 'connecting') setStatus(null);
      if (state.kind === 'open') {
        if (wasOpen.current) setEpoch((n) => n + 1);
        wasOpen.current = true;
      }
    });
  }, [api]);

  useEffect(() => api.onStatus(setStatus), [api]);

  // Background refreshes stay quiet while the link is down: the connection banner says so.
  const refreshStatus = useCallback(() => {
    api.getStatus().then(setStatus, (e: unknown) => isEngineLinkError(e) || report(e, 'Engine status'));
  }, [api, report]);

  const refreshSessions = useCallback(() => {
    api.listSessions().then(setSessions, (e: unknown) => isEngineLinkError(e) || report(e, 'List sessions'));
  }, [api, report]);

  useEffect(() => {
    refreshStatus();
    refreshSessions();
  }, [refreshStatus, refreshSessions, epoch]);

  return { connection, status, sessions, epoch, refreshStatus, refreshSessions };
}

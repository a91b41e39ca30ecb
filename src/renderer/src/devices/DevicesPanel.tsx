import { useCallback, useEffect, useState } from 'react';
import type { VitalsApi } from '../../../shared/api';
import type { DeviceEntry, DeviceStats, EngineStatus } from '../../../shared/types';
import { isEngineLinkError } from '../api/connection';
import { DeviceStatsCard } from './DeviceStatsCard';

interface Props {
  api: VitalsApi;
  status: EngineStatus | null;
  /** Bumped when the engine link (re)opens, to reload the list. */
  epoch: number;
  report(error: unknown, context: string): void;
  refreshStatus(): void;
}

/** Devices the engine can reach, with Connect/Disconnect, and live stats of connected ones. */
export function DevicesPanel({ api, status, epoch, report, refreshStatus }: Props) {
  const [devices, setDevices] = useState<DeviceEntry[] | null>(null);
  const [busy, setBusy] = useState<ReadonlySet<string>>(() => new Set());

  const refresh = useCallback(() => {
    api.listDevices().then(setDevices, (e: unknown) => isEngineLinkError(e) || report(e, 'List devices'));
  }, [api, report]);

  useEffect(() => refresh(), [refresh, epoch]);

  const statsById = new Map<string, DeviceStats>((status?.devices ?? []).map((d) => [d.deviceId, d]));

  const act = async (id: string, connect: boolean): Promise<void> => {
    setBusy((b) => new Set(b).add(id));
    try {
      if (connect) await api.connect(id);
      else await api.disconnect(id);
    } catch (e) {
      report(e, `${connect ? 'Connect' : 'Disconnect'} ${id}`);
    } finally {
      setBusy((b) => {
        const next = new Set(b);
        next.delete(id);
        return next;
      });
      refresh();
      refreshStatus();
    }
  };

  const listed = new Set((devices ?? []).map((d) => d.id));
  const extraStats = [...statsById.values()].filter((s) => !listed.has(s.deviceId));

  return (
    <section className="panel devices" aria-label="Devices">
      <header className="panel-head">
        <h2>Devices</h2>
        <span className="spacer" />
        <button type="button" onClick={refresh} data-testid="devices-refresh" title="Scan again">
          Rescan
        </button>
      </header>
      <div className="panel-body">
        {devices === null ? <p className="empty">Looking for devices…</p> : null}
        {devices?.length === 0 ? <p className="empty">No devices found.</p> : null}
        <ul className="device-list">
          {(devices ?? []).map((d) => {
            const stats = statsById.get(d.id);
            const connected = stats ? stats.state !== 'disconnected' : d.connected;
            const state = stats?.state ?? (d.connected ? 'connected' : 'available');
            const pending = busy.has(d.id);
            return (
              <li key={d.id} className="device" data-testid={`device-${d.id}`}>
                <div className="device-row">
                  <div className="device-title">
                    <span className="device-label">{d.label}</span>
                    <span className="muted small">
                      {d.transport}
                      {d.detail ? ` · ${d.detail}` : ''}
                    </span>
                  </div>
                  <span className={`badge state-${state}`} data-testid={`device-state-${d.id}`}>
                    {pending ? '…' : state}
                  </span>
                  {connected ? (
                    <button type="button" disabled={pending} onClick={() => void act(d.id, false)} data-testid={`disconnect-${d.id}`}>
                      Disconnect
                    </button>
                  ) : (
                    <button
                      type="button"
                      className="primary"
                      disabled={pending}
                      onClick={() => void act(d.id, true)}
                      data-testid={`connect-${d.id}`}
                    >
                      Connect
                    </button>
                  )}
                </div>
                {stats && stats.state !== 'disconnected' ? <DeviceStatsCard stats={stats} streams={status?.streams ?? []} /> : null}
              </li>
            );
          })}
          {extraStats.map((s) => (
            <li key={s.deviceId} className="device" data-testid={`device-${s.deviceId}`}>
              <div className="device-row">
                <div className="device-title">
                  <span className="device-label">{s.label}</span>
                  <span className="muted small">{s.transport}</span>
                </div>
                <span className={`badge state-${s.state}`}>{s.state}</span>
              </div>
              <DeviceStatsCard stats={s} streams={status?.streams ?? []} />
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}

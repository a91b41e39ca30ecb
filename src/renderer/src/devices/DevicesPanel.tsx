import { useCallback, useEffect, useState } from 'react';
import type { VitalsApi } from '../../../shared/api';
import type { ConnectOptions, DeviceEntry, DeviceStats, EngineStatus } from '../../../shared/types';
import { isEngineLinkError } from '../api/connection';
import { DEFAULT_SETTINGS, OpenByPath, SerialSettingsForm, toConnectOptions, type SerialSettings } from './ConnectForm';
import { BleSection } from './BleSection';
import { DeviceStatsCard } from './DeviceStatsCard';
import { GattCapture } from './GattCapture';
import { RawView } from './RawView';

/** Speeds a playback can be connected at, x real time. */
const PLAYBACK_SPEEDS = [1, 2, 5, 10] as const;

/** Ports plugged in or pulled out show up within this (the issue asks for 2 s). */
const HOTPLUG_POLL_MS = 1500;

function stateText(stats: DeviceStats | undefined, connected: boolean): string {
  if (!stats) return connected ? 'connected' : 'available';
  if (stats.state === 'reconnecting') return `reconnecting (attempt ${Math.max(1, stats.reconnectAttempt ?? 1)})`;
  if (stats.state === 'connecting' && stats.transport === 'serial' && !stats.protocol) return 'detecting';
  return stats.state;
}

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
  const [settings, setSettings] = useState<Record<string, SerialSettings>>({});
  const [speeds, setSpeeds] = useState<Record<string, number>>({});

  const refresh = useCallback(() => {
    api.listDevices().then(setDevices, (e: unknown) => isEngineLinkError(e) || report(e, 'List devices'));
  }, [api, report]);

  useEffect(() => refresh(), [refresh, epoch]);

  // Hotplug: rescan quietly while the panel is open (the engine caches the OS's port list).
  useEffect(() => {
    const timer = setInterval(() => {
      api.listDevices().then(setDevices, () => undefined);
    }, HOTPLUG_POLL_MS);
    return () => clearInterval(timer);
  }, [api, epoch]);

  const statsById = new Map<string, DeviceStats>((status?.devices ?? []).map((d) => [d.deviceId, d]));

  const act = async (id: string, connect: boolean, options?: ConnectOptions): Promise<void> => {
    setBusy((b) => new Set(b).add(id));
    try {
      if (connect) await (options ? api.connect(id, options) : api.connect(id));
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
            const state = stateText(stats, d.connected);
            const pending = busy.has(d.id);
            const serial = d.transport === 'serial';
            const playback = d.transport === 'playback';
            const own = settings[d.id] ?? DEFAULT_SETTINGS;
            const speed = speeds[d.id] ?? 1;
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
                  <span className={`badge state-${stats?.state ?? (d.connected ? 'connected' : 'available')}`} data-testid={`device-state-${d.id}`}>
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
                      onClick={() => void act(d.id, true, serial ? toConnectOptions(own) : playback ? { speed } : undefined)}
                      data-testid={`connect-${d.id}`}
                    >
                      Connect
                    </button>
                  )}
                </div>
                {playback && !connected ? (
                  <label className="device-settings">
                    Speed{' '}
                    <select
                      value={speed}
                      disabled={pending}
                      onChange={(e) => setSpeeds((all) => ({ ...all, [d.id]: Number(e.target.value) }))}
                      data-testid={`speed-${d.id}`}
                    >
                      {PLAYBACK_SPEEDS.map((x) => (
                        <option key={x} value={x}>
                          {x}x
                        </option>
                      ))}
                    </select>
                  </label>
                ) : null}
                {serial && !connected ? (
                  <SerialSettingsForm id={d.id} settings={own} onChange={(next) => setSettings((all) => ({ ...all, [d.id]: next }))} disabled={pending} />
                ) : null}
                {stats && stats.state !== 'disconnected' ? (
                  <>
                    <DeviceStatsCard stats={stats} streams={status?.streams ?? []} />
                    {stats.ble ? <GattCapture api={api} deviceId={d.id} ble={stats.ble} report={report} refreshStatus={refreshStatus} /> : null}
                    {stats.transport === 'serial' ? <RawView api={api} deviceId={d.id} /> : null}
                  </>
                ) : null}
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
                <span className={`badge state-${s.state}`} data-testid={`device-state-${s.deviceId}`}>
                  {stateText(s, true)}
                </span>
                {s.state !== 'disconnected' ? (
                  <button type="button" disabled={busy.has(s.deviceId)} onClick={() => void act(s.deviceId, false)} data-testid={`disconnect-${s.deviceId}`}>
                    Disconnect
                  </button>
                ) : null}
              </div>
              <DeviceStatsCard stats={s} streams={status?.streams ?? []} />
              {s.ble && s.state !== 'disconnected' ? <GattCapture api={api} deviceId={s.deviceId} ble={s.ble} report={report} refreshStatus={refreshStatus} /> : null}
              {s.transport === 'serial' ? <RawView api={api} deviceId={s.deviceId} /> : null}
            </li>
          ))}
        </ul>
        <BleSection
          api={api}
          epoch={epoch}
          busy={busy}
          connected={new Set([...statsById.values()].filter((x) => x.state !== 'disconnected').map((x) => x.deviceId))}
          connect={(id) => void act(id, true)}
          report={report}
        />
        <OpenByPath disabled={false} onConnect={(path, chosen) => void act(`serial:${path}`, true, toConnectOptions(chosen))} />
      </div>
    </section>
  );
}

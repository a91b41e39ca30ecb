import { useCallback, useEffect, useState } from 'react';
import type { VitalsApi } from '../../../shared/api';
import type { BleAdapterState, BleScanResult } from '../../../shared/ble';
import { isEngineLinkError } from '../api/connection';
import { BLE_REPLAY_PREFIX, SCAN_SECONDS, adapterText, driversText, formatRssi, serviceLabel } from './ble-format';

interface Props {
  api: VitalsApi;
  /** Bumped when the engine link (re)opens, to ask the adapter's state again. */
  epoch: number;
  /** IDs being connected or disconnected. */
  busy: ReadonlySet<string>;
  /** IDs of devices connected now (their row offers no Connect). */
  connected: ReadonlySet<string>;
  connect(id: string): void;
  report(error: unknown, context: string): void;
}

/**
 * The Bluetooth LE part of the device picker: the adapter's state (calm when there is none: the
 * rest of the panel is unaffected), a scan for devices our drivers can drive with Connect, and a
 * GATT replay log opened by its path on the engine's machine.
 */
export function BleSection({ api, epoch, busy, connected, connect, report }: Props) {
  const [adapter, setAdapter] = useState<BleAdapterState | null>(null);
  const [seconds, setSeconds] = useState<number>(5);
  const [scanning, setScanning] = useState(false);
  const [found, setFound] = useState<BleScanResult[] | null>(null);
  const [replayPath, setReplayPath] = useState('');

  const checkAdapter = useCallback(() => {
    setAdapter(null);
    api.bleState().then(setAdapter, (e: unknown) => isEngineLinkError(e) || report(e, 'Bluetooth adapter'));
  }, [api, report]);

  useEffect(() => checkAdapter(), [checkAdapter, epoch]);

  const scan = async (): Promise<void> => {
    setScanning(true);
    try {
      setFound(await api.scanBle(seconds));
    } catch (e) {
      report(e, `Bluetooth scan (${seconds} s)`);
    } finally {
      setScanning(false);
    }
  };

  const ready = adapter?.state === 'ready';
  const path = replayPath.trim();
  return (
    <section className="ble-section" aria-label="Bluetooth LE" data-testid="ble-section">
      <h3 className="ble-head">Bluetooth LE</h3>
      <p className={`ble-adapter ${ready ? '' : 'muted'}`} data-testid="ble-adapter" role="status">
        {adapterText(adapter)}{' '}
        {adapter && !ready ? (
          <button type="button" className="small" onClick={checkAdapter} data-testid="ble-recheck">
            Check again
          </button>
        ) : null}
      </p>
      <form
        className="ble-scan"
        onSubmit={(e) => {
          e.preventDefault();
          if (ready && !scanning) void scan();
        }}
      >
        <label>
          Scan for{' '}
          <select value={seconds} disabled={scanning} onChange={(e) => setSeconds(Number(e.target.value))} data-testid="ble-scan-seconds">
            {SCAN_SECONDS.map((s) => (
              <option key={s} value={s}>
                {s} s
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={!ready || scanning} title={ready ? 'Scan for heart-rate straps, Polar sensors and Nordic UART boards' : adapterText(adapter)} data-testid="ble-scan">
          {scanning ? 'Scanning…' : 'Scan'}
        </button>
        {scanning ? <progress aria-label="Scanning" /> : null}
      </form>
      {found?.length === 0 ? <p className="empty small">No devices we can drive were found.</p> : null}
      {found?.length ? (
        <table className="mini-table ble-results" data-testid="ble-results">
          <thead>
            <tr>
              <th>Name</th>
              <th>Address</th>
              <th title="Received signal strength at the last advertisement">RSSI</th>
              <th>Services / driver</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {found.map((r) => {
              const id = `ble:${r.address}`;
              return (
                <tr key={r.address} data-testid={`ble-result-${r.address}`}>
                  <td>{r.name || <span className="muted">(no name)</span>}</td>
                  <td className="mono">{r.address}</td>
                  <td className="mono num">{formatRssi(r.rssi)}</td>
                  <td title={r.services.join('\n')}>
                    {r.services.map(serviceLabel).join(', ') || '—'}
                    <div className="muted small">{driversText(r.drivers)}</div>
                  </td>
                  <td>
                    <button type="button" className="primary" disabled={busy.has(id) || connected.has(id)} onClick={() => connect(id)} data-testid={`connect-${id}`}>
                      {connected.has(id) ? 'Connected' : 'Connect'}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      <form
        className="open-by-path"
        onSubmit={(e) => {
          e.preventDefault();
          if (path) connect(`${BLE_REPLAY_PREFIX}${path}`);
        }}
      >
        <input
          type="text"
          placeholder="/path/to/capture.jsonl"
          value={replayPath}
          onChange={(e) => setReplayPath(e.target.value)}
          aria-label="GATT replay log path (JSONL, on the engine's machine)"
          title="A GATT notification log (one JSON object per line), read by the engine from its own disk"
          data-testid="ble-replay-path"
        />
        <button type="submit" disabled={!path || busy.has(`${BLE_REPLAY_PREFIX}${path}`)} data-testid="ble-replay-open">
          Replay GATT log
        </button>
      </form>
    </section>
  );
}

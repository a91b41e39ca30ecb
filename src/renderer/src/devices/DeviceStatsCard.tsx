import type { DeviceStats, PlaybackProgress, StreamInfo } from '../../../shared/types';
import type { BleLinkStats } from '../../../shared/ble';
import { formatCount, formatDuration, formatFixed, lossPercent } from '../format';
import { contactText, driversText, formatBattery, formatRssi } from './ble-format';

interface Props {
  stats: DeviceStats;
  streams: readonly StreamInfo[];
}

/** A battery at or below this is flagged: a strap may stop mid-session. */
const LOW_BATTERY_PCT = 15;

/** How the link row names a protocol (others: upper case, as VBP). */
const PROTOCOL_NAMES: Record<string, string> = { text: 'text lines', 'openbci-cyton': 'OpenBCI Cyton' };

/** Clock, decoder and per-stream rate/loss statistics of one connected device. */
export function DeviceStatsCard({ stats, streams }: Props) {
  const d = stats.descriptor;
  const errors = stats.decodeErrors;
  const errorTotal = errors.crc + errors.cobs + errors.oversize + errors.malformed;
  const names = new Map(streams.map((s) => [s.key, s.name]));
  return (
    <div className="stats-card" data-testid={`device-stats-${stats.deviceId}`}>
      {stats.error ? <p className="stats-error">{stats.error}</p> : null}
      {stats.playback ? <PlaybackPosition progress={stats.playback} deviceId={stats.deviceId} /> : null}
      <dl className="kv">
        <dt>Board</dt>
        <dd>
          {d ? [d.name, d.model, d.firmware ? `fw ${d.firmware}` : undefined].filter(Boolean).join(' · ') : '—'}
        </dd>
        {d?.serial ? (
          <>
            <dt>Serial</dt>
            <dd className="mono">{d.serial}</dd>
          </>
        ) : null}
        {stats.protocol || stats.port ? (
          <>
            <dt>Link</dt>
            <dd className="mono">
              {[PROTOCOL_NAMES[stats.protocol ?? ''] ?? stats.protocol?.toUpperCase(), stats.port ? `${stats.port.path} @ ${stats.port.baud}` : undefined]
                .filter(Boolean)
                .join(' · ')}
              {stats.bytesReceived !== undefined ? ` · ${formatCount(stats.bytesReceived)} B` : ''}
            </dd>
          </>
        ) : null}
        {stats.ble ? <BleLinkRows ble={stats.ble} deviceId={stats.deviceId} /> : null}
        {stats.reconnects !== undefined && (stats.reconnects > 0 || stats.state === 'reconnecting') ? (
          <>
            <dt>Reconnects</dt>
            <dd className={`mono ${stats.state === 'reconnecting' ? 'warn-text' : ''}`} data-testid={`reconnects-${stats.deviceId}`}>
              {stats.reconnects}
              {stats.state === 'reconnecting' ? ` (reconnecting, attempt ${Math.max(1, stats.reconnectAttempt ?? 1)})` : ''}
            </dd>
          </>
        ) : null}
        {stats.playback ? null : (
          <>
            <dt>Clock offset</dt>
            {/* Host minus board clock: its origin is the board's power-up, so the change tells, not the size. */}
            <dd className="mono" title="host clock minus board clock (the board's clock starts at its power-up)">
              {formatFixed(stats.clockOffsetMs / 1000, 3)} s
            </dd>
            <dt>Drift</dt>
            <dd className="mono">{formatFixed(stats.driftPpm, 1)} ppm</dd>
            {stats.protocol === 'vbp' ? (
              <>
                <dt title="SYNC round trip (median of the kept low-latency exchanges)">Round trip</dt>
                <dd className="mono" data-testid={`rtt-${stats.deviceId}`}>
                  {stats.rttMs !== undefined ? `${formatFixed(stats.rttMs, 2)} ms (${formatCount(stats.syncReplies ?? 0)} syncs)` : 'no SYNC replies: clock from arrival times'}
                </dd>
              </>
            ) : null}
            {stats.parseErrors !== undefined ? (
              <>
                <dt>Unparsed lines</dt>
                <dd className={`mono ${stats.parseErrors > 0 ? 'warn-text' : ''}`} data-testid={`parse-errors-${stats.deviceId}`}>
                  {formatCount(stats.parseErrors)}
                </dd>
              </>
            ) : null}
            <dt>Decode errors</dt>
            <dd className={`mono ${errorTotal > 0 ? 'warn-text' : ''}`} title="CRC / COBS / oversize / malformed">
              {errorTotal === 0
                ? '0'
                : `${formatCount(errorTotal)} (crc ${errors.crc}, cobs ${errors.cobs}, oversize ${errors.oversize}, malformed ${errors.malformed})`}
            </dd>
          </>
        )}
      </dl>
      {stats.streams.length > 0 ? (
        <table className="mini-table">
          <thead>
            <tr>
              <th>Stream</th>
              <th title="Nominal / measured sample rate">Hz nom / meas</th>
              <th>Samples</th>
              <th>{stats.playback ? 'Gaps' : 'Lost'}</th>
            </tr>
          </thead>
          <tbody>
            {stats.streams.map((s) => {
              const loss = lossPercent(s.packets, s.packetsLost);
              const off = s.measuredRate > 0 && s.nominalRate > 0 && Math.abs(s.measuredRate / s.nominalRate - 1) > 0.02;
              return (
                <tr key={s.key} data-testid={`stream-stats-${s.key}`}>
                  <td>{names.get(s.key) ?? s.key}</td>
                  <td className="mono num">
                    {s.nominalRate > 0 ? formatFixed(s.nominalRate, 0) : 'irr.'} /{' '}
                    <span className={off ? 'warn-text' : ''}>{s.measuredRate > 0 ? formatFixed(s.measuredRate, 1) : '—'}</span>
                  </td>
                  <td className="mono num">{formatCount(s.samples)}</td>
                  <td className={`mono num ${s.packetsLost > 0 ? 'warn-text' : ''}`}>
                    {formatCount(s.packetsLost)}
                    {stats.playback ? '' : ` (${loss.toFixed(loss > 0 && loss < 0.1 ? 2 : 1)}%)`}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}

/** Where a playback is in its session: position / duration at its speed. */
function PlaybackPosition({ progress, deviceId }: { progress: PlaybackProgress; deviceId: string }) {
  const { position, duration, speed } = progress;
  return (
    <p className="playback-position" data-testid={`playback-position-${deviceId}`}>
      <progress max={duration || 1} value={position} /> <span className="mono">{formatDuration(position * 1000)} / {formatDuration(duration * 1000)}</span>{' '}
      <span className="muted small">at {speed}x</span>
    </p>
  );
}

/** A Bluetooth LE device's link: address and MTU, drivers, RSSI, battery and sensor contact. */
function BleLinkRows({ ble, deviceId }: { ble: BleLinkStats; deviceId: string }) {
  return (
    <>
      <dt>Bluetooth</dt>
      <dd className="mono">
        {ble.address || '—'}
        {ble.mtu !== undefined ? ` · MTU ${ble.mtu} B` : ''}
      </dd>
      <dt>Drivers</dt>
      <dd data-testid={`ble-drivers-${deviceId}`}>{driversText(ble.drivers)}</dd>
      <dt title="Received signal strength">RSSI</dt>
      <dd className="mono" data-testid={`ble-rssi-${deviceId}`}>
        {formatRssi(ble.rssi)}
      </dd>
      <dt>Battery</dt>
      <dd className={`mono ${ble.batteryPct !== undefined && ble.batteryPct <= LOW_BATTERY_PCT ? 'warn-text' : ''}`} data-testid={`ble-battery-${deviceId}`}>
        {formatBattery(ble.batteryPct)}
      </dd>
      {ble.contact ? (
        <>
          <dt>Sensor contact</dt>
          <dd className={ble.contact === 'not detected' ? 'warn-text' : ''} data-testid={`ble-contact-${deviceId}`}>
            {contactText(ble.contact)}
          </dd>
        </>
      ) : null}
    </>
  );
}

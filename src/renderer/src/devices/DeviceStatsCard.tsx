import type { DeviceStats, StreamInfo } from '../../../shared/types';
import { formatCount, formatFixed, lossPercent } from '../format';

interface Props {
  stats: DeviceStats;
  streams: readonly StreamInfo[];
}

/** Clock, decoder and per-stream rate/loss statistics of one connected device. */
export function DeviceStatsCard({ stats, streams }: Props) {
  const d = stats.descriptor;
  const errors = stats.decodeErrors;
  const errorTotal = errors.crc + errors.cobs + errors.oversize + errors.malformed;
  const names = new Map(streams.map((s) => [s.key, s.name]));
  return (
    <div className="stats-card" data-testid={`device-stats-${stats.deviceId}`}>
      {stats.error ? <p className="stats-error">{stats.error}</p> : null}
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
        <dt>Clock offset</dt>
        <dd className="mono">{formatFixed(stats.clockOffsetMs, 1)} ms</dd>
        <dt>Drift</dt>
        <dd className="mono">{formatFixed(stats.driftPpm, 1)} ppm</dd>
        <dt>Decode errors</dt>
        <dd className={`mono ${errorTotal > 0 ? 'warn-text' : ''}`} title="CRC / COBS / oversize / malformed">
          {errorTotal === 0
            ? '0'
            : `${formatCount(errorTotal)} (crc ${errors.crc}, cobs ${errors.cobs}, oversize ${errors.oversize}, malformed ${errors.malformed})`}
        </dd>
      </dl>
      {stats.streams.length > 0 ? (
        <table className="mini-table">
          <thead>
            <tr>
              <th>Stream</th>
              <th title="Nominal / measured sample rate">Hz nom / meas</th>
              <th>Samples</th>
              <th>Lost</th>
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
                    {formatCount(s.packetsLost)} ({loss.toFixed(loss > 0 && loss < 0.1 ? 2 : 1)}%)
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

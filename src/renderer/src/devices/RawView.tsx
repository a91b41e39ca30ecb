import { useEffect, useState } from 'react';
import type { VitalsApi } from '../../../shared/api';
import type { RawView as RawData } from '../../../shared/types';
import { formatCount } from '../format';

interface Props {
  api: VitalsApi;
  deviceId: string;
}

const POLL_MS = 500;

/** The last bytes (hex) or text lines a device sent, for debugging firmware. Polls only while open. */
export function RawView({ api, deviceId }: Props) {
  const [open, setOpen] = useState(false);
  const [raw, setRaw] = useState<RawData | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!open) return;
    let live = true;
    const poll = () =>
      api.getRaw(deviceId).then(
        (r) => {
          if (!live) return;
          setRaw(r);
          setError(null);
        },
        (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
      );
    void poll();
    const timer = setInterval(() => void poll(), POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [api, deviceId, open]);

  const showLines = raw && raw.protocol !== 'vbp' && raw.lines.length > 0;
  return (
    <details className="raw-view" onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)} data-testid={`raw-${deviceId}`}>
      <summary>Raw {raw ? `(${formatCount(raw.bytesReceived)} bytes${raw.protocol ? `, ${raw.protocol}` : ''})` : ''}</summary>
      {error ? <p className="stats-error">{error}</p> : null}
      {showLines ? (
        <pre className="raw mono" data-testid={`raw-lines-${deviceId}`}>
          {raw.lines.join('\n')}
        </pre>
      ) : (
        <pre className="raw mono" data-testid={`raw-hex-${deviceId}`}>
          {raw?.hex || '—'}
        </pre>
      )}
    </details>
  );
}

import { useState } from 'react';
import type { VitalsApi } from '../../../shared/api';
import type { BleLinkStats } from '../../../shared/ble';

interface Props {
  api: VitalsApi;
  deviceId: string;
  ble: BleLinkStats;
  report(error: unknown, context: string): void;
  /** Asks the engine's status again, so the card shows the capture at once. */
  refreshStatus(): void;
}

/**
 * Capture GATT log / Stop capture for a connected BLE device: every notification goes to a JSONL
 * log in the library's exports folder (replayable with `ble-replay:`, for a reproducible bug
 * report). While capturing it names the file being written; once stopped, where it was saved.
 */
export function GattCapture({ api, deviceId, ble, report, refreshStatus }: Props) {
  const [pending, setPending] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const capturing = ble.capturing;

  const toggle = async (): Promise<void> => {
    setPending(true);
    try {
      if (capturing) {
        await api.captureGatt(deviceId, null);
        setSaved(capturing);
      } else {
        await api.captureGatt(deviceId, '');
        setSaved(null);
      }
    } catch (e) {
      report(e, `${capturing ? 'Stop' : 'Start'} the GATT capture of ${deviceId}`);
    } finally {
      setPending(false);
      refreshStatus();
    }
  };

  return (
    <div className="gatt-capture">
      <button type="button" disabled={pending} onClick={() => void toggle()} aria-pressed={Boolean(capturing)} data-testid={`gatt-capture-${deviceId}`}>
        {capturing ? 'Stop capture' : 'Capture GATT log'}
      </button>{' '}
      {capturing ? (
        <span className="small" data-testid={`gatt-capture-file-${deviceId}`}>
          <span className="rec-dot" aria-hidden /> writing <span className="mono">{capturing}</span>
        </span>
      ) : saved ? (
        <span className="small muted" data-testid={`gatt-capture-saved-${deviceId}`}>
          saved <span className="mono">{saved}</span>
        </span>
      ) : null}
    </div>
  );
}

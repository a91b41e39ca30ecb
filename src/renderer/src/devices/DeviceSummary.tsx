import type { DeviceStats } from '../../../shared/types';

/** The top bar's device status on every view: one chip per connected device; a click opens Live. */
export function DeviceSummary({ devices, onOpen }: { devices: readonly DeviceStats[]; onOpen(): void }) {
  return (
    <span className="device-summary" data-testid="device-summary">
      {devices.length === 0 ? (
        <span className="muted small">no device</span>
      ) : (
        devices.map((d) => (
          <button key={d.deviceId} type="button" className={`chip state-${d.state}`} onClick={onOpen} title={d.error ?? `${d.label}: ${d.state} (open Live)`}>
            <span className="chip-dot" />
            {d.label}
          </button>
        ))
      )}
    </span>
  );
}

import type { DeviceStats } from '../../../shared/types';
import { formatBattery, linkFigures } from './ble-format';

/** A chip's tooltip: the device's error, or its state, and for a BLE device its battery and RSSI. */
function chipTitle(d: DeviceStats): string {
  if (d.error) return d.error;
  const ble = d.ble ? ` · ${linkFigures(d.ble)}` : '';
  return `${d.label}: ${d.state}${ble} (open Live)`;
}

/** The top bar's device status on every view: one chip per connected device; a click opens Live. */
export function DeviceSummary({ devices, onOpen }: { devices: readonly DeviceStats[]; onOpen(): void }) {
  return (
    <span className="device-summary" data-testid="device-summary">
      {devices.length === 0 ? (
        <span className="muted small">no device</span>
      ) : (
        devices.map((d) => (
          <button key={d.deviceId} type="button" className={`chip state-${d.state}`} onClick={onOpen} title={chipTitle(d)}>
            <span className="chip-dot" />
            {d.label}
            {d.ble?.batteryPct !== undefined ? <span className="muted small"> {formatBattery(d.ble.batteryPct)}</span> : null}
          </button>
        ))
      )}
    </span>
  );
}

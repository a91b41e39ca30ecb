import { useState } from 'react';
import { CYTON_GAINS, type ConnectOptions, type CytonGain, type ProtocolChoice } from '../../../shared/types';

export const BAUD_RATES = [9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600, 1000000, 2000000];

export interface SerialSettings {
  baud: number;
  protocol: ProtocolChoice;
  /** Text lines only; empty: estimate from arrival times. */
  rate: string;
  /** OpenBCI Cyton only: the gain its channels are set to. */
  gain: CytonGain;
}

export const DEFAULT_SETTINGS: SerialSettings = { baud: 115200, protocol: 'auto', rate: '', gain: 24 };

export function toConnectOptions(s: SerialSettings): ConnectOptions {
  const rate = Number(s.rate);
  return {
    baud: s.baud,
    protocol: s.protocol,
    ...(s.rate.trim() && Number.isFinite(rate) && rate > 0 ? { rate } : {}),
    ...(s.protocol === 'openbci-cyton' ? { gain: s.gain } : {}),
  };
}

interface Props {
  id: string;
  settings: SerialSettings;
  onChange(settings: SerialSettings): void;
  disabled?: boolean;
}

/** Baud rate, protocol (auto / VBP / text lines / OpenBCI Cyton) and, for text lines, the sample rate; for the Cyton, its gain. */
export function SerialSettingsForm({ id, settings, onChange, disabled }: Props) {
  return (
    <div className="device-settings">
      <label>
        Baud{' '}
        <select
          value={settings.baud}
          disabled={disabled}
          onChange={(e) => onChange({ ...settings, baud: Number(e.target.value) })}
          data-testid={`baud-${id}`}
        >
          {BAUD_RATES.map((b) => (
            <option key={b} value={b}>
              {b}
            </option>
          ))}
        </select>
      </label>
      <label>
        Protocol{' '}
        <select
          value={settings.protocol}
          disabled={disabled}
          onChange={(e) => onChange({ ...settings, protocol: e.target.value as ProtocolChoice })}
          data-testid={`protocol-${id}`}
        >
          <option value="auto">auto</option>
          <option value="vbp">VBP</option>
          <option value="text">text lines</option>
          <option value="openbci-cyton">OpenBCI Cyton</option>
        </select>
      </label>
      {settings.protocol === 'auto' || settings.protocol === 'text' ? (
        <label title="Text lines: samples per second (empty: estimated from arrival times)">
          Rate{' '}
          <input
            type="number"
            min={0}
            step="any"
            placeholder="auto"
            className="rate-input"
            value={settings.rate}
            disabled={disabled}
            onChange={(e) => onChange({ ...settings, rate: e.target.value })}
            data-testid={`rate-${id}`}
          />{' '}
          Hz
        </label>
      ) : null}
      {settings.protocol === 'openbci-cyton' ? (
        <label title="The PGA gain the Cyton's channels are set to (on the board): Vitalscope scales the samples to µV by it">
          Gain{' '}
          <select
            value={settings.gain}
            disabled={disabled}
            onChange={(e) => onChange({ ...settings, gain: Number(e.target.value) as CytonGain })}
            data-testid={`gain-${id}`}
          >
            {CYTON_GAINS.map((g) => (
              <option key={g} value={g}>
                {g}×
              </option>
            ))}
          </select>
        </label>
      ) : null}
    </div>
  );
}

/** Opens a port that is not listed (a pseudo-terminal, a symlink) by its path. */
export function OpenByPath({ onConnect, disabled }: { onConnect(path: string, settings: SerialSettings): void; disabled?: boolean }) {
  const [path, setPath] = useState('');
  const [settings, setSettings] = useState(DEFAULT_SETTINGS);
  return (
    <form
      className="open-by-path"
      onSubmit={(e) => {
        e.preventDefault();
        if (path.trim()) onConnect(path.trim(), settings);
      }}
    >
      <input type="text" placeholder="/dev/pts/5" value={path} onChange={(e) => setPath(e.target.value)} data-testid="port-path" aria-label="Serial port path" />
      <SerialSettingsForm id="path" settings={settings} onChange={setSettings} disabled={disabled} />
      <button type="submit" disabled={disabled || !path.trim()} data-testid="connect-path">
        Open port
      </button>
    </form>
  );
}

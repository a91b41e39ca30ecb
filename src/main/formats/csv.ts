/** CSV writers for session export (RFC 4180 quoting). Pure: they build text, the caller writes it. */

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** `time_s,<label> [<unit>],...` */
export function samplesHeader(channels: { label: string; unit: string }[]): string {
  return ['time_s', ...channels.map((c) => csvField(c.unit ? `${c.label} [${c.unit}]` : c.label))].join(',') + '\n';
}

/**
 * Rows of one block of channel-major samples; time in seconds from `origin` (µs resolution).
 * Values keep 7 significant digits: all that a Float32 sample holds.
 */
export function samplesRows(t0: number, dt: number, n: number, data: Float32Array | Float64Array, origin: number): string {
  const channels = data.length / n;
  const digits = data instanceof Float64Array ? 15 : 7;
  const lines = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    let line = (t0 - origin + i * dt).toFixed(6);
    for (let c = 0; c < channels; c++) line += ',' + formatValue(data[c * n + i], digits);
    lines[i] = line;
  }
  return lines.join('\n') + '\n';
}

function formatValue(v: number, digits: number): string {
  // A missing value (a derived figure without enough data) is an empty field, as spreadsheets expect.
  if (Number.isNaN(v)) return '';
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(digits)));
}

export const EVENTS_HEADER = 'time_s,duration_s,kind,text\n';

export function eventRow(t: number, duration: number, kind: string, text: string, origin: number): string {
  return `${(t - origin).toFixed(6)},${duration.toFixed(6)},${csvField(kind)},${csvField(text)}\n`;
}

/** A model's outputs: `t,sample,label,p_<label>...` for classes (`labels`), `t,sample,value_<unit>` for a regression. */
export function modelOutputsHeader(labels: readonly string[] | null, unit: string): string {
  const columns = labels ? ['label', ...labels.map((l) => `p_${l}`)] : [`value_${unit || 'value'}`];
  return ['t', 'sample', ...columns].map(csvField).join(',') + '\n';
}

/** One output: `t` in s as given, probabilities to 6 significant digits. */
export function modelOutputRow(t: number, sample: number, out: { label?: string; probs?: readonly number[]; value?: number }): string {
  const columns = out.probs ? [csvField(out.label ?? ''), ...out.probs.map((p) => p.toPrecision(6))] : [String(out.value)];
  return [t, sample, ...columns].join(',') + '\n';
}

import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { PsdPoint } from './psd-data';

interface Props {
  points: PsdPoint[];
  maxHz: number;
  yLabel: string;
}

/** The Recharts plot of a PSD: frequency (Hz) against power (dB). */
export function PsdChart({ points, maxHz, yLabel }: Props) {
  return (
    <ResponsiveContainer width="100%" height={230}>
      <LineChart data={points} margin={{ top: 8, right: 16, bottom: 18, left: 8 }}>
        <CartesianGrid stroke="rgba(148, 163, 184, 0.12)" />
        <XAxis
          dataKey="f"
          type="number"
          domain={[0, maxHz]}
          allowDataOverflow
          tick={{ fill: '#8b98a8', fontSize: 10 }}
          stroke="rgba(148, 163, 184, 0.35)"
          label={{ value: 'Frequency (Hz)', position: 'insideBottom', offset: -10, fill: '#8b98a8', fontSize: 11 }}
        />
        <YAxis
          dataKey="db"
          type="number"
          domain={['auto', 'auto']}
          width={64}
          tick={{ fill: '#8b98a8', fontSize: 10 }}
          tickFormatter={(v: number) => v.toFixed(0)}
          stroke="rgba(148, 163, 184, 0.35)"
          label={{ value: yLabel, angle: -90, position: 'insideLeft', offset: 10, fill: '#8b98a8', fontSize: 11, style: { textAnchor: 'middle' } }}
        />
        <Tooltip
          contentStyle={{ background: '#121922', border: '1px solid #243040', fontSize: 12 }}
          labelFormatter={(f) => `${Number(f).toFixed(2)} Hz`}
          formatter={(v) => [`${Number(v).toFixed(1)} dB`, 'power']}
        />
        <Line type="linear" dataKey="db" stroke="#4fc3f7" strokeWidth={1.2} dot={false} isAnimationActive={false} />
      </LineChart>
    </ResponsiveContainer>
  );
}

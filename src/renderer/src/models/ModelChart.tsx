import { Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { SeriesPoint } from './model-series';

const COLOURS = ['#4fc3f7', '#f06292', '#aed581', '#ffb74d', '#ba68c8', '#4db6ac'];

/** A model's outputs over the last minute: one line per class probability (0-1), or its regression value. */
export function ModelChart({ points, channels, unit }: { points: SeriesPoint[]; channels: string[]; unit?: string }) {
  const newest = points.length ? points[points.length - 1].t : 0;
  const data = points.map((p) => ({ t: p.t - newest, ...Object.fromEntries(channels.map((c, k) => [c, p.values[k]])) }));
  return (
    <ResponsiveContainer width="100%" height={200}>
      <LineChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
        <XAxis dataKey="t" type="number" domain={[-60, 0]} tick={{ fill: '#8b98a8', fontSize: 10 }} tickFormatter={(v: number) => `${v.toFixed(0)} s`} stroke="rgba(148, 163, 184, 0.35)" />
        <YAxis type="number" domain={unit === undefined ? [0, 1] : ['auto', 'auto']} width={48} tick={{ fill: '#8b98a8', fontSize: 10 }} stroke="rgba(148, 163, 184, 0.35)" />
        <Tooltip contentStyle={{ background: '#121922', border: '1px solid #243040', fontSize: 12 }} labelFormatter={(t) => `${Number(t).toFixed(1)} s`} formatter={(v) => Number(v).toFixed(3)} />
        <Legend wrapperStyle={{ fontSize: 11 }} />
        {channels.map((c, k) => (
          <Line key={c} type="linear" dataKey={c} stroke={COLOURS[k % COLOURS.length]} strokeWidth={1.2} dot={points.length < 120} isAnimationActive={false} />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
}

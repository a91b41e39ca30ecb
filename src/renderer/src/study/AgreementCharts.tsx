import { CartesianGrid, ReferenceLine, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis } from 'recharts';
import type { AgreementResult } from '../../../shared/agreement';
import { blandAltmanPoints, scatterPoints } from './agreement-data';

const AXIS = { tick: { fill: '#8b98a8', fontSize: 10 }, stroke: 'rgba(148, 163, 184, 0.35)' } as const;
const LABEL = { fill: '#8b98a8', fontSize: 11 } as const;
const TOOLTIP = { contentStyle: { background: '#121922', border: '1px solid #243040', fontSize: 12 } } as const;
const fmt = (v: unknown) => Number(v).toFixed(1);

function axisLabel(text: string, vertical = false) {
  return vertical ? { value: text, angle: -90, position: 'insideLeft' as const, offset: 10, ...LABEL, style: { textAnchor: 'middle' as const } } : { value: text, position: 'insideBottom' as const, offset: -10, ...LABEL };
}

/** Bland-Altman plot: mean of A and B against B - A, with the bias and the 95 % limits of agreement. */
export function BlandAltmanChart({ result }: { result: AgreementResult }) {
  const { report } = result;
  const unit = report.a.unit ? ` (${report.a.unit})` : '';
  return (
    <ResponsiveContainer width="100%" height={300}>
      <ScatterChart margin={{ top: 10, right: 96, bottom: 22, left: 8 }}>
        <CartesianGrid stroke="rgba(148, 163, 184, 0.12)" />
        <XAxis dataKey="x" type="number" name="mean" domain={['auto', 'auto']} tickFormatter={fmt} {...AXIS} label={axisLabel(`Mean of A and B${unit}`)} />
        <YAxis dataKey="y" type="number" name="B - A" domain={['auto', 'auto']} width={64} tickFormatter={fmt} {...AXIS} label={axisLabel(`B - A${unit}`, true)} />
        <ZAxis range={[18, 18]} />
        <Tooltip {...TOOLTIP} formatter={(v) => fmt(v)} />
        <Scatter data={blandAltmanPoints(result)} fill="#4fc3f7" fillOpacity={0.6} isAnimationActive={false} shape="circle" />
        {report.bias !== null ? <ReferenceLine y={report.bias} stroke="#facc15" label={{ value: `bias ${report.bias.toFixed(2)}`, position: 'right', ...LABEL }} /> : null}
        {report.loa
          ? report.loa.map((y, i) => <ReferenceLine key={i} y={y} stroke="#f87171" strokeDasharray="5 4" label={{ value: `${i === 0 ? '−' : '+'}1.96 SD ${y.toFixed(2)}`, position: 'right', ...LABEL }} />)
          : null}
      </ScatterChart>
    </ResponsiveContainer>
  );
}

/** B against A with the identity line (perfect agreement) on a square domain. */
export function AgreementScatter({ result }: { result: AgreementResult }) {
  const { report } = result;
  const { points, domain } = scatterPoints(result);
  const unit = report.a.unit ? ` (${report.a.unit})` : '';
  return (
    <ResponsiveContainer width="100%" height={300}>
      <ScatterChart margin={{ top: 10, right: 16, bottom: 22, left: 8 }}>
        <CartesianGrid stroke="rgba(148, 163, 184, 0.12)" />
        <XAxis dataKey="x" type="number" name="A" domain={domain} allowDataOverflow tickFormatter={fmt} {...AXIS} label={axisLabel(`A: ${report.a.id}${unit}`)} />
        <YAxis dataKey="y" type="number" name="B" domain={domain} allowDataOverflow width={64} tickFormatter={fmt} {...AXIS} label={axisLabel(`B: ${report.b.id}${unit}`, true)} />
        <ZAxis range={[18, 18]} />
        <Tooltip {...TOOLTIP} formatter={(v) => fmt(v)} />
        <ReferenceLine
          segment={[
            { x: domain[0], y: domain[0] },
            { x: domain[1], y: domain[1] },
          ]}
          stroke="#94a3b8"
          strokeDasharray="4 4"
          ifOverflow="extendDomain"
        />
        <Scatter data={points} fill="#a78bfa" fillOpacity={0.6} isAnimationActive={false} shape="circle" />
      </ScatterChart>
    </ResponsiveContainer>
  );
}

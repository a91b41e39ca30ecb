/** The Evaluation view's tables and plots: scores per row, the confusion grid and the reliability plot. */
import { CartesianGrid, Legend, ReferenceLine, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis } from 'recharts';
import type { Calibration, Confusion, Scores } from '../../../shared/evaluation';

const COLOURS = ['#4fc3f7', '#f06292', '#aed581', '#ffb74d', '#ba68c8'];
const show = (x: number | null | undefined) => (x === null || x === undefined ? '—' : x.toFixed(2));

/** One row per record or slice: n, Se and +P of every class. */
export function ScoresTable({ labels, rows, testId }: { labels: string[]; rows: { name: string; scores: Scores }[]; testId: string }) {
  return (
    <table className="table" data-testid={testId}>
      <thead>
        <tr>
          <th />
          {labels.flatMap((l) => [
            <th key={`${l}n`} className="num">
              {l} n
            </th>,
            <th key={`${l}se`} className="num">
              {l} Se %
            </th>,
            <th key={`${l}p`} className="num">
              {l} +P %
            </th>,
          ])}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.name}>
            <td>{r.name}</td>
            {labels.flatMap((l) => [
              <td key={`${l}n`} className="num">
                {r.scores.classes[l].n}
              </td>,
              <td key={`${l}se`} className="num">
                {show(r.scores.classes[l].se)}
              </td>,
              <td key={`${l}p`} className="num">
                {show(r.scores.classes[l].ppv)}
              </td>,
            ])}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Counts in a grid, each cell shaded by its share of its row (the reference class): the diagonal is what was right. */
export function ConfusionGrid({ confusion }: { confusion: Confusion }) {
  return (
    <table className="confusion-grid" data-testid="evaluation-confusion">
      <thead>
        <tr>
          <th />
          {confusion.columns.map((c) => (
            <th key={c}>{c}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {confusion.rows.map((row, i) => {
          const total = confusion.counts[i].reduce((a, b) => a + b, 0);
          return (
            <tr key={row}>
              <th>{row}</th>
              {confusion.counts[i].map((n, j) => {
                const share = total > 0 ? n / total : 0;
                const right = confusion.columns[j] === row;
                return (
                  <td key={j} style={{ background: `rgba(${right ? '79, 195, 247' : '240, 98, 146'}, ${0.08 + 0.72 * share})` }} title={`${(100 * share).toFixed(1)}% of ${row}`}>
                    {n}
                  </td>
                );
              })}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Mean predicted probability against the observed share per bin, one series per class, dot size by count; on the dashed identity line a model is calibrated. */
export function ReliabilityPlot({ calibration }: { calibration: Calibration }) {
  const classes = Object.entries(calibration.classes);
  return (
    <div data-testid="evaluation-reliability">
      <ResponsiveContainer width="100%" height={240}>
        <ScatterChart margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid stroke="rgba(148, 163, 184, 0.15)" />
          <XAxis dataKey="predicted" type="number" domain={[0, 1]} name="predicted p" tick={{ fill: '#8b98a8', fontSize: 10 }} stroke="rgba(148, 163, 184, 0.35)" />
          <YAxis dataKey="observed" type="number" domain={[0, 1]} name="observed" width={40} tick={{ fill: '#8b98a8', fontSize: 10 }} stroke="rgba(148, 163, 184, 0.35)" />
          <ZAxis dataKey="n" type="number" range={[20, 300]} name="beats" />
          <ReferenceLine segment={[{ x: 0, y: 0 }, { x: 1, y: 1 }]} stroke="#8b98a8" strokeDasharray="4 4" ifOverflow="hidden" />
          <Tooltip contentStyle={{ background: '#121922', border: '1px solid #243040', fontSize: 12 }} formatter={(v) => (typeof v === 'number' ? +v.toFixed(3) : v)} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          {classes.map(([label, c], k) => (
            <Scatter key={label} name={`${label} (ECE ${c.ece === null ? '—' : c.ece.toFixed(3)})`} data={c.bins.filter((b) => b.n > 0)} fill={COLOURS[k % COLOURS.length]} isAnimationActive={false} />
          ))}
        </ScatterChart>
      </ResponsiveContainer>
      <table className="mini-table">
        <thead>
          <tr>
            <th>class</th>
            <th>bin</th>
            <th>n</th>
            <th>mean p</th>
            <th>observed</th>
          </tr>
        </thead>
        <tbody>
          {classes.flatMap(([label, c]) =>
            c.bins
              .filter((b) => b.n > 0)
              .map((b) => (
                <tr key={`${label}${b.from}`}>
                  <td>{label}</td>
                  <td>
                    {b.from.toFixed(1)}–{b.to.toFixed(1)}
                  </td>
                  <td>{b.n}</td>
                  <td>{b.predicted!.toFixed(3)}</td>
                  <td>{b.observed!.toFixed(3)}</td>
                </tr>
              )),
          )}
        </tbody>
      </table>
    </div>
  );
}

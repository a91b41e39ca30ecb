/** The agreement report as `vitalscope agreement` prints it for a person. */
import type { AgreementReport, AgreementStats, BeatAgreement } from '../../shared/agreement';
import { table } from '../analysis/evaluation/text-table';

const fixed = (x: number | null | undefined, digits = 2) => (x === null || x === undefined ? '-' : x.toFixed(digits));

export function agreementText(r: AgreementReport): string {
  const unit = r.a.unit ? ` ${r.a.unit}` : '';
  const lag = r.lag_manual ? `${+r.lag_s.toFixed(3)} s (manual; estimated ${r.lag_estimated_s === null ? '-' : `${+r.lag_estimated_s.toFixed(3)} s`})` : `${+r.lag_s.toFixed(3)} s (estimated)`;
  const loa = (s: AgreementStats) => (s.loa ? `${fixed(s.loa[0])} to ${fixed(s.loa[1])}` : '-');
  const beats = (b: BeatAgreement) => `Se ${fixed(b.se, 1)} %, +P ${fixed(b.ppv, 1)} % (${b.tp} matched, ${b.fn} missed, ${b.fp} extra, ±${b.tolerance_ms} ms)`;
  const lines = [
    `session ${r.sessionId}: A ${r.a.id} (reference), B ${r.b.id}; difference B - A, in${unit || ' no unit'}`,
    `lag of B behind A: ${lag}`,
    `n ${r.n} pairs at 1 Hz`,
    `bias ${fixed(r.bias)}${unit}, SD ${fixed(r.sd)}${unit}, 95 % limits of agreement ${loa(r)}${unit}`,
    `MAE ${fixed(r.mae)}${unit}, RMSE ${fixed(r.rmse)}${unit}, Pearson r ${fixed(r.r, 3)}`,
  ];
  if (r.beats) lines.push(`beats: ${beats(r.beats)}`);
  if (r.steps.length > 0) {
    const header = ['step', 'from s', 'to s', 'n', `bias${unit}`, `SD${unit}`, `LoA${unit}`, `MAE${unit}`, 'r', ...(r.beats ? ['Se %', '+P %'] : [])];
    const rows = r.steps.map((s) => [s.name, fixed(s.start, 1), fixed(s.end, 1), s.n, fixed(s.bias), fixed(s.sd), loa(s), fixed(s.mae), fixed(s.r, 3), ...(s.beats ? [fixed(s.beats.se, 1), fixed(s.beats.ppv, 1)] : [])]);
    lines.push('', table(header, rows));
  }
  return lines.join('\n') + '\n';
}

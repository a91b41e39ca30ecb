import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { agreementCsv, DEFAULT_MAX_LAG_S, DEFAULT_TOLERANCE_MS, type AgreementResult, type AgreementSource, type AgreementStats, type BeatAgreement } from '../../../shared/agreement';
import type { RendererApi } from '../api';
import { downloadText } from '../download-text';
import { errorMessage } from '../format';
import { keyOf } from '../key-event';
import { routeHash } from '../routes';
import { inField } from '../shortcuts';
import { defaultPair, parseLag, reportFileName } from './agreement-data';

const BlandAltmanChart = lazy(() => import('./AgreementCharts').then((m) => ({ default: m.BlandAltmanChart })));
const AgreementScatter = lazy(() => import('./AgreementCharts').then((m) => ({ default: m.AgreementScatter })));

const fixed = (x: number | null | undefined, digits = 2) => (x === null || x === undefined ? '–' : x.toFixed(digits));
const loaText = (s: AgreementStats) => (s.loa ? `${fixed(s.loa[0])} to ${fixed(s.loa[1])}` : '–');

/**
 * The reference-validation bench of one session: source B against the reference A on a 1 Hz grid,
 * bias and limits of agreement (difference B - A) overall and per protocol step, a Bland-Altman
 * plot and a scatter; the engine computes, this view only asks and shows.
 */
export function AgreementView({ api, sessionId }: { api: RendererApi; sessionId: number }) {
  const [sources, setSources] = useState<AgreementSource[] | null>(null);
  const [title, setTitle] = useState(`Session ${sessionId}`);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [pair, setPair] = useState({ a: '', b: '' });
  const [lagText, setLagText] = useState('');
  const [toleranceText, setToleranceText] = useState(String(DEFAULT_TOLERANCE_MS));
  const [maxLagText, setMaxLagText] = useState(String(DEFAULT_MAX_LAG_S));
  const [byStep, setByStep] = useState(true);
  const [result, setResult] = useState<AgreementResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const asked = useRef(0);

  useEffect(() => {
    Promise.all([api.getAgreementSources(sessionId), api.getSessionDetail(sessionId)]).then(
      ([list, detail]) => {
        setSources(list);
        setTitle(detail.name);
        setPair(defaultPair(list) ?? { a: list[0]?.id ?? '', b: list[0]?.id ?? '' });
      },
      (e: unknown) => setLoadError(errorMessage(e)),
    );
  }, [api, sessionId]);

  const lag = parseLag(lagText);
  const tolerance = Number(toleranceText);
  const toleranceError = Number.isFinite(tolerance) && tolerance >= 1 && tolerance <= 10_000 ? null : `tolerance must be 1 to 10000 ms, got "${toleranceText}"`;
  const maxLag = Number(maxLagText);
  const maxLagError = Number.isFinite(maxLag) && maxLag >= 0 && maxLag <= 600 ? null : `the lag search must be 0 to 600 s, got "${maxLagText}"`;
  const inputError = lag.error ?? maxLagError ?? toleranceError;
  useEffect(() => {
    if (!pair.a || !pair.b || inputError) return;
    // Only the newest request's answer is shown.
    const id = ++asked.current;
    setBusy(true);
    api.getAgreement(sessionId, { a: pair.a, b: pair.b, byStep, toleranceMs: tolerance, maxLag, ...(lag.lag !== undefined ? { lag: lag.lag } : {}) }).then(
      (r) => {
        if (id !== asked.current) return;
        setResult(r);
        setError(null);
        setBusy(false);
      },
      (e: unknown) => {
        if (id !== asked.current) return;
        setResult(null);
        setError(errorMessage(e));
        setBusy(false);
      },
    );
  }, [api, sessionId, pair.a, pair.b, byStep, tolerance, maxLag, lag.lag, inputError]);

  // B or Esc: back to the review.
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const k = keyOf(e);
      if (inField(k) || k.ctrlKey || k.metaKey || k.altKey || !['b', 'B', 'Escape'].includes(k.key)) return;
      e.preventDefault();
      window.location.hash = routeHash({ view: 'review', sessionId });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [sessionId]);

  if (loadError) {
    return (
      <section className="panel agreement" aria-label="Agreement">
        <p className="empty" role="alert">
          Session {sessionId} could not be opened: {loadError}. <a href="#/sessions">Back to the sessions</a>
        </p>
      </section>
    );
  }
  const byId = new Map((sources ?? []).map((s) => [s.id, s]));
  const beats = byId.get(pair.a)?.beats && byId.get(pair.b)?.beats;
  const report = result?.report;
  const unit = report?.a.unit ? ` ${report.a.unit}` : '';
  const sourceSelect = (which: 'a' | 'b', label: string) => (
    <label className="field-inline">
      {label}
      <select value={pair[which]} onChange={(e) => setPair({ ...pair, [which]: e.target.value })} data-testid={`agreement-${which}`}>
        {(sources ?? []).map((s) => (
          <option key={s.id} value={s.id}>
            {s.id} {s.unit ? `(${s.unit})` : ''}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <section className="panel agreement" aria-label={`Agreement in ${title}`} data-testid="agreement-view">
      <header className="panel-head">
        <a href={routeHash({ view: 'review', sessionId })} className="back" title="Back to the review (B, Esc)">
          ← Review
        </a>
        <h2>Agreement · {title}</h2>
        <span className="muted small">difference = B − A (A is the reference)</span>
      </header>
      <div className="panel-body agreement-body">
        {sources && sources.length === 0 ? <p className="empty">This session has no sources to compare: no derived streams, irregular streams or beats.</p> : null}
        <form className="agreement-form" onSubmit={(e) => e.preventDefault()}>
          {sourceSelect('a', 'A (reference)')}
          <button type="button" onClick={() => setPair({ a: pair.b, b: pair.a })} title="Swap A and B" data-testid="agreement-swap">
            ⇄
          </button>
          {sourceSelect('b', 'B')}
          <label className="field-inline" title="B's lag behind A: empty estimates it; a number overrides the estimate">
            Lag
            <input value={lagText} placeholder={report?.lag_estimated_s !== null && report ? `auto ${fixed(report.lag_estimated_s, 2)}` : 'auto'} onChange={(e) => setLagText(e.target.value)} size={9} data-testid="agreement-lag" /> s
          </label>
          <label className="field-inline" title="How far either way the lag is searched">
            within ±
            <input type="number" min={0} max={600} value={maxLagText} onChange={(e) => setMaxLagText(e.target.value)} style={{ width: '5em' }} data-testid="agreement-max-lag" /> s
          </label>
          <label className="field-inline" title={beats ? 'Beat matching: a beat of B matches one of A within ± this' : 'Beat matching needs two beat or RR sources'}>
            Tolerance
            <input type="number" min={1} max={10_000} value={toleranceText} disabled={!beats} onChange={(e) => setToleranceText(e.target.value)} style={{ width: '6em' }} data-testid="agreement-tolerance" /> ms
          </label>
          <label className="field-inline">
            <input type="checkbox" checked={byStep} onChange={(e) => setByStep(e.target.checked)} data-testid="agreement-by-step" /> per protocol step
          </label>
          <span className="spacer" />
          <button type="button" disabled={!result} onClick={() => result && downloadText(reportFileName(result, 'csv'), agreementCsv(result.report), 'text/csv')} data-testid="agreement-export-csv">
            Export CSV
          </button>
          <button type="button" disabled={!result} onClick={() => result && downloadText(reportFileName(result, 'json'), JSON.stringify(result.report, null, 2), 'application/json')} data-testid="agreement-export-json">
            Export JSON
          </button>
          {busy ? <span className="muted small">computing…</span> : null}
        </form>
        {inputError || error ? (
          <p className="library-error" role="alert" data-testid="agreement-error">
            {inputError ?? error}
          </p>
        ) : null}
        {report && result ? (
          <>
            <p className="muted small" data-testid="agreement-lag-used">
              Lag of B behind A: {fixed(report.lag_s, 3)} s ({report.lag_manual ? `manual; estimated ${fixed(report.lag_estimated_s, 3)} s` : 'estimated'}) · {report.n} pairs at 1 Hz
              {result.points.t.length < report.n ? ` · plots show ${result.points.t.length} of them` : ''}
            </p>
            <StatsTable rows={[{ name: 'Overall', stats: report, beats: report.beats }, ...report.steps.map((s) => ({ name: s.name, span: [s.start, s.end] as const, stats: s, beats: s.beats }))]} unit={unit} withBeats={!!report.beats} />
            {byStep && report.steps.length === 0 ? <p className="muted small">This session has no protocol steps.</p> : null}
            <div className="agreement-plots">
              <figure data-testid="agreement-bland-altman">
                <figcaption>Bland-Altman</figcaption>
                <Suspense fallback={<p className="empty">Loading chart…</p>}>
                  <BlandAltmanChart result={result} />
                </Suspense>
              </figure>
              <figure data-testid="agreement-scatter">
                <figcaption>B against A, with the identity line</figcaption>
                <Suspense fallback={<p className="empty">Loading chart…</p>}>
                  <AgreementScatter result={result} />
                </Suspense>
              </figure>
            </div>
          </>
        ) : null}
      </div>
    </section>
  );
}

interface StatsRow {
  name: string;
  span?: readonly [number, number];
  stats: AgreementStats;
  beats?: BeatAgreement;
}

function StatsTable({ rows, unit, withBeats }: { rows: StatsRow[]; unit: string; withBeats: boolean }) {
  const u = unit ? ` [${unit.trim()}]` : '';
  return (
    <table className="table" data-testid="agreement-table">
      <thead>
        <tr>
          <th />
          <th className="num">from–to [s]</th>
          <th className="num">n</th>
          <th className="num">bias{u}</th>
          <th className="num">SD{u}</th>
          <th className="num">95 % LoA{u}</th>
          <th className="num">MAE{u}</th>
          <th className="num">RMSE{u}</th>
          <th className="num">r</th>
          {withBeats ? <th className="num">Se [%]</th> : null}
          {withBeats ? <th className="num">+P [%]</th> : null}
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i} data-testid={i === 0 ? 'agreement-overall' : 'agreement-step'}>
            <td>{r.name}</td>
            <td className="num mono">{r.span ? `${fixed(r.span[0], 0)}–${fixed(r.span[1], 0)}` : ''}</td>
            <td className="num mono">{r.stats.n}</td>
            <td className="num mono" data-testid="agreement-bias">
              {fixed(r.stats.bias)}
            </td>
            <td className="num mono">{fixed(r.stats.sd)}</td>
            <td className="num mono">{loaText(r.stats)}</td>
            <td className="num mono">{fixed(r.stats.mae)}</td>
            <td className="num mono">{fixed(r.stats.rmse)}</td>
            <td className="num mono">{fixed(r.stats.r, 3)}</td>
            {withBeats ? <td className="num mono">{fixed(r.beats?.se, 1)}</td> : null}
            {withBeats ? <td className="num mono">{fixed(r.beats?.ppv, 1)}</td> : null}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

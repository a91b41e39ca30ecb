import { useMemo } from 'react';
import type { AnalysisState, StreamInfo } from '../../../shared/types';
import { analysisWarning, tileModels, unsupportedNotes } from './numeric-tiles';

interface Props {
  analysis: AnalysisState | null | undefined;
  streams: readonly StreamInfo[];
}

const QUALITY_TEXT = { good: 'good', fair: 'fair', poor: 'poor' } as const;

/** The live figures of the analysis (HR, SpO2, PI, RMSSD, cadence, steps), one tile each. */
export function NumericTiles({ analysis, streams }: Props) {
  const tiles = useMemo(() => tileModels(analysis?.numerics ?? [], streams), [analysis?.numerics, streams]);
  const warning = analysisWarning(analysis);
  const notes = unsupportedNotes(analysis);
  return (
    <div className="numerics" data-testid="numeric-tiles">
      <div className="tiles">
        {tiles.map((t) => (
          <div
            key={t.name}
            className={`tile${t.quality ? ` q-${t.quality}` : ''}${t.poor ? ' poor' : ''}${t.coasting ? ' coasting' : ''}${t.key ? '' : ' absent'}`}
            data-testid={`numeric-${t.name}`}
            data-quality={t.quality ?? ''}
            data-coasting={t.coasting ? 'true' : undefined}
            title={t.key ? `${t.title} from ${t.key}${t.quality ? `, signal quality ${t.quality}` : ''}${t.coasting ? ', coasting: carried by the tracker, not measured' : ''}` : `${t.title}: no source stream`}
          >
            <div className="tile-head">
              <span className="tile-title">{t.title}</span>
              {t.source ? <span className="tile-source">{t.source}</span> : null}
              <span className="spacer" />
              {t.unusable ? (
                <span className="q-badge q-poor" title={t.unusable} data-testid={`numeric-${t.name}-unusable`}>
                  {t.source} unusable
                </span>
              ) : t.quality ? (
                <span className={`q-badge q-${t.quality}`}>{QUALITY_TEXT[t.quality]}</span>
              ) : null}
            </div>
            <div className="tile-body">
              <span className={`tile-value${t.hasValue ? '' : ' none'}`} data-testid={`numeric-${t.name}-value`}>
                {t.text}
              </span>
              {t.unit && t.hasValue ? <span className="tile-unit">{t.unit}</span> : null}
            </div>
            {t.poor || t.lost || t.coasting ? (
              <div className="tile-note" data-testid={`numeric-${t.name}-note`} title={t.lost ? 'share of this value\'s window lost to dropped packets' : undefined}>
                {[t.poor ? 'poor signal' : '', t.coasting ? 'coasting' : '', t.lost].filter(Boolean).join(' · ')}
              </div>
            ) : null}
          </div>
        ))}
      </div>
      {warning ? (
        <p className="analysis-warning" role="status" data-testid="analysis-warning">
          ⚠ {warning}
        </p>
      ) : null}
      {notes.map((note) => (
        <p key={note} className="analysis-note" data-testid="analysis-unsupported">
          {note}
        </p>
      ))}
    </div>
  );
}

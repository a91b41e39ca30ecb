import { useEffect, useState } from 'react';
import type { VitalsApi } from '../../../shared/api';
import type { ModelInfo, ModelState, StreamInfo } from '../../../shared/types';
import { ModelChart } from './ModelChart';
import { addFrame, type SeriesPoint } from './model-series';

interface Props {
  api: Pick<VitalsApi, 'inspectModel' | 'attachModel' | 'detachModel' | 'onFrame'>;
  streams: StreamInfo[];
  models: ModelState[];
  refreshStatus(): void;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The Models view: load an ONNX model by its path on the engine's machine, see its manifest, attach it to a live stream, and watch its outputs and figures. */
export function ModelsView({ api, streams, models, refreshStatus }: Props) {
  const [path, setPath] = useState('');
  const [info, setInfo] = useState<ModelInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const raw = streams.filter((s) => !s.derivedFrom);
  const [streamKey, setStreamKey] = useState('');
  const chosen = raw.some((s) => s.key === streamKey) ? streamKey : (raw[0]?.key ?? '');

  const inspect = (): void => {
    setError(null);
    api.inspectModel(path.trim()).then(setInfo, (e: unknown) => {
      setInfo(null);
      setError(message(e));
    });
  };
  const attach = (): void => {
    setError(null);
    api.attachModel(path.trim(), chosen).then(refreshStatus, (e: unknown) => setError(message(e)));
  };

  return (
    <div className="page-fill models-view" data-testid="models-view">
      <section className="panel">
        <div className="panel-head">
          <h2>Load a model</h2>
        </div>
        <div className="panel-body">
          <form
            className="model-load"
            onSubmit={(e) => {
              e.preventDefault();
              inspect();
            }}
          >
            <input aria-label="Model path" placeholder="/path/to/model.onnx (its manifest model.onnx.json beside it)" value={path} onChange={(e) => setPath(e.target.value)} size={60} />
            <button type="submit" disabled={!path.trim()}>
              Load
            </button>
            <select aria-label="Stream" value={chosen} onChange={(e) => setStreamKey(e.target.value)} disabled={raw.length === 0}>
              {raw.length === 0 ? <option value="">no live stream: connect a device</option> : null}
              {raw.map((s) => (
                <option key={s.key} value={s.key}>
                  {s.key} ({s.kind}, {s.rate} Hz)
                </option>
              ))}
            </select>
            <button type="button" className="primary" onClick={attach} disabled={!path.trim() || !chosen}>
              Attach
            </button>
          </form>
          {error ? (
            <p className="model-error" role="alert" data-testid="model-error">
              {error}
            </p>
          ) : null}
          {info ? (
            <details open data-testid="model-manifest">
              <summary>
                {info.name}: {info.trigger === 'beats' ? 'one run per detected beat' : 'sliding windows'}, {info.labels ? `classes ${info.labels.join(', ')}` : `a value in ${info.unit || 'no unit'}`}
              </summary>
              <pre>{JSON.stringify(info.manifest, null, 2)}</pre>
            </details>
          ) : null}
        </div>
      </section>
      {models.map((m) => (
        <AttachedModel key={m.id} api={api} model={m} onDetach={() => api.detachModel(m.id).then(refreshStatus, (e: unknown) => setError(message(e)))} />
      ))}
    </div>
  );
}

function AttachedModel({ api, model, onDetach }: { api: Props['api']; model: ModelState; onDetach(): void }) {
  const [points, setPoints] = useState<SeriesPoint[]>([]);
  const key = model.outputKey;
  useEffect(() => {
    if (!key) return;
    return api.onFrame((frame) => setPoints((p) => addFrame(p, frame, key)));
  }, [api, key]);
  const l = model.latencyMs;
  return (
    <section className="panel" data-testid={`model-${model.id}`}>
      <div className="panel-head">
        <h2>
          {model.name} on {model.streamKey}
        </h2>
        <button type="button" onClick={onDetach}>
          {model.error ? 'Dismiss' : 'Detach'}
        </button>
      </div>
      <div className="panel-body">
        {model.error ? (
          <p className="model-error" role="alert">
            Unloaded: {model.error}
          </p>
        ) : null}
        <p className="muted" data-testid="model-figures">
          {model.windows} windows · latency {l ? `p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms` : '–'} · queue {model.queue} · skipped {model.skippedGap} at gaps, {model.skippedSlow} behind real time
          {key ? ` · output stream ${key}` : ''}
        </p>
        {key ? <ModelChart points={points} channels={model.labels ? model.labels.map((c) => `p(${c})`) : [model.name]} unit={model.labels ? undefined : model.unit} /> : null}
      </div>
    </section>
  );
}

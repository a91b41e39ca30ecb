import { useCallback, useEffect, useState } from 'react';
import type { VitalsApi } from '../../../shared/api';
import type { ModelEntry, ModelInfo, ModelState, StreamInfo } from '../../../shared/types';
import { ModelChart } from './ModelChart';
import { ModelDropZone } from './ModelDropZone';
import { addFrame, type SeriesPoint } from './model-series';

interface Props {
  api: Pick<VitalsApi, 'inspectModel' | 'attachModel' | 'detachModel' | 'onFrame' | 'listModels' | 'uploadModelPart' | 'importModel' | 'removeModel'>;
  streams: StreamInfo[];
  models: ModelState[];
  refreshStatus(): void;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The Models view: the bundled and imported models (import by drag and drop or a file dialog, or
 * load one by its path on the engine's machine), their manifests, attach one to a live stream, and
 * watch its outputs and figures.
 */
export function ModelsView({ api, streams, models, refreshStatus }: Props) {
  const [path, setPath] = useState('');
  const [info, setInfo] = useState<ModelInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [list, setList] = useState<ModelEntry[]>([]);
  const raw = streams.filter((s) => !s.derivedFrom);
  const [streamKey, setStreamKey] = useState('');
  const chosen = raw.some((s) => s.key === streamKey) ? streamKey : (raw[0]?.key ?? '');

  const refreshList = useCallback((): void => {
    api.listModels().then(setList, (e: unknown) => setError(message(e)));
  }, [api]);
  useEffect(refreshList, [refreshList]);

  const inspect = (file: string): void => {
    setError(null);
    api.inspectModel(file).then(setInfo, (e: unknown) => {
      setInfo(null);
      setError(message(e));
    });
  };
  const attach = (file: string): void => {
    setError(null);
    api.attachModel(file, chosen).then(refreshStatus, (e: unknown) => setError(message(e)));
  };
  const remove = (id: string): void => {
    setError(null);
    api.removeModel(id).then(refreshList, (e: unknown) => setError(message(e)));
  };
  const streamPicker = (
    <select aria-label="Stream" value={chosen} onChange={(e) => setStreamKey(e.target.value)} disabled={raw.length === 0}>
      {raw.length === 0 ? <option value="">no live stream: connect a device</option> : null}
      {raw.map((s) => (
        <option key={s.key} value={s.key}>
          {s.key} ({s.kind}, {s.rate} Hz)
        </option>
      ))}
    </select>
  );

  return (
    <div className="page-fill models-view" data-testid="models-view">
      <section className="panel">
        <div className="panel-head">
          <h2>Models</h2>
          <span className="muted small">attach to</span>
          {streamPicker}
        </div>
        <div className="panel-body">
          <table className="model-list" data-testid="model-list">
            <thead>
              <tr>
                <th>Model</th>
                <th>Takes</th>
                <th>Gives</th>
                <th>From</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {list.map((m) => (
                <tr key={m.id} data-testid={`model-entry-${m.id}`}>
                  <td title={m.description}>
                    {m.name} <span className="muted">{m.version}</span>
                  </td>
                  {m.error ? (
                    <td colSpan={2} className="model-error">
                      {m.error}
                    </td>
                  ) : (
                    <>
                      <td>
                        {m.kind}, {m.trigger === 'beats' ? 'per beat' : 'sliding'}
                      </td>
                      <td>{m.labels ? m.labels.join(' / ') : m.unit}</td>
                    </>
                  )}
                  <td>
                    <span className="tag">{m.bundled ? 'bundled' : 'imported'}</span>
                  </td>
                  <td className="model-actions">
                    <button type="button" onClick={() => inspect(m.file)} disabled={!!m.error}>
                      Manifest
                    </button>
                    <button type="button" className="primary" onClick={() => attach(m.file)} disabled={!!m.error || !chosen}>
                      Attach
                    </button>
                    {m.bundled ? null : (
                      <button type="button" onClick={() => remove(m.id)}>
                        Remove
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <ModelDropZone api={api} onImported={refreshList} onError={setError} />
          <form
            className="model-load"
            onSubmit={(e) => {
              e.preventDefault();
              inspect(path.trim());
            }}
          >
            <input aria-label="Model path" placeholder="or a path on the engine's machine: /path/to/model.onnx (model.onnx.json beside it)" value={path} onChange={(e) => setPath(e.target.value)} size={60} />
            <button type="submit" disabled={!path.trim()}>
              Load
            </button>
            <button type="button" onClick={() => attach(path.trim())} disabled={!path.trim() || !chosen}>
              Attach path
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

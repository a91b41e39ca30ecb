import { useCallback, useEffect, useState } from 'react';
import type { VitalsApi } from '../../../shared/api';
import { protocolSeconds, type Protocol, type ProtocolStep, type StoredProtocol } from '../../../shared/protocol';
import { errorMessage, formatDuration } from '../format';
import { useModalForm } from '../review/use-modal-form';
import { downloadProtocol } from './protocol-download';
import { FileButton } from '../components/FileButton';

interface Props {
  api: VitalsApi;
  onClose(): void;
  /** The library's protocols changed (saved, deleted, imported). */
  onChanged?(): void;
  /** Opens on this stored protocol, or (null) on a new one; absent: on the list. */
  startWith?: string | null;
}

/** A protocol being edited; the name it is stored under (null: not saved yet). */
interface Draft {
  stored: string | null;
  name: string;
  steps: { name: string; duration: string; instructions: string }[];
}

const NEW_STEP = { name: '', duration: '60', instructions: '' };
const newDraft = (): Draft => ({ stored: null, name: '', steps: [{ ...NEW_STEP }] });

function draftOf(p: Protocol, stored: string | null): Draft {
  return { stored, name: p.name, steps: p.steps.map((s) => ({ name: s.name, duration: String(s.duration_s), instructions: s.instructions })) };
}

/** What the engine checks: a field left blank or not a number is sent as such, so its message names the step and field. */
function protocolOf(d: Draft): Protocol {
  return {
    name: d.name,
    steps: d.steps.map((s): ProtocolStep => ({ name: s.name, duration_s: s.duration.trim() === '' ? Number.NaN : Number(s.duration), instructions: s.instructions })),
  };
}

/**
 * The library's protocols: new, edit, duplicate, delete, steps added, removed and reordered,
 * import and export of a JSON file. The engine checks every save; its message says which step and
 * field is wrong. A modal dialog, mountable from any view (the record bar, the study view).
 */
export function ProtocolEditor({ api, onClose, onChanged, startWith }: Props) {
  const [list, setList] = useState<StoredProtocol[]>([]);
  const [draft, setDraft] = useState<Draft | null>(() => (startWith === null ? newDraft() : null));
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  const reload = useCallback(async (): Promise<StoredProtocol[]> => {
    const protocols = await api.listProtocols();
    setList(protocols);
    return protocols;
  }, [api]);
  // The protocol to open with, as mounted (a later change of the prop opens nothing).
  const [opening] = useState(startWith);
  useEffect(() => {
    reload().then(
      (protocols) => {
        const first = protocols.find((p) => p.name === opening);
        if (first?.protocol) setDraft(draftOf(first.protocol, first.name));
      },
      (e: unknown) => setError(errorMessage(e)),
    );
  }, [reload, opening]);

  const act = async (fn: () => Promise<void>) => {
    setError(null);
    setSaved(null);
    try {
      await fn();
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const save = () =>
    void act(async () => {
      if (!draft) return;
      const stored = await api.saveProtocol(protocolOf(draft), draft.stored);
      setDraft(draftOf(stored.protocol!, stored.name));
      setSaved(`Saved “${stored.name}”`);
      await reload();
      onChanged?.();
    });

  const { dialog, onKeyDown } = useModalForm(save);

  const remove = (name: string) =>
    void act(async () => {
      await api.deleteProtocol(name);
      if (draft?.stored === name) setDraft(null);
      await reload();
      onChanged?.();
    });

  const importFile = (file: File) =>
    void act(async () => {
      const stored = await api.importProtocol(await file.text(), file.name);
      setDraft(draftOf(stored.protocol!, stored.name));
      setSaved(`Imported “${stored.name}”`);
      await reload();
      onChanged?.();
    });

  const exportDraft = () => draft && downloadProtocol(protocolOf(draft));

  const setStep = (i: number, change: Partial<Draft['steps'][number]>) => draft && setDraft({ ...draft, steps: draft.steps.map((s, j) => (j === i ? { ...s, ...change } : s)) });
  const moveStep = (i: number, by: number) => {
    if (!draft || i + by < 0 || i + by >= draft.steps.length) return;
    const steps = [...draft.steps];
    [steps[i], steps[i + by]] = [steps[i + by], steps[i]];
    setDraft({ ...draft, steps });
  };

  const planned = draft ? draft.steps.reduce((sum, s) => sum + (Number(s.duration) > 0 ? Number(s.duration) : 0), 0) : 0;
  return (
    <dialog ref={dialog} className="confirm-dialog protocol-editor" aria-labelledby="protocol-editor-title" data-testid="protocol-editor" onCancel={onClose} onKeyDown={onKeyDown}>
      <header className="panel-head">
        <h3 id="protocol-editor-title">Protocols</h3>
        <span className="spacer" />
        <button type="button" className="icon" aria-label="Close" onClick={onClose} data-testid="protocol-editor-close">
          ×
        </button>
      </header>
      <div className="protocol-editor-body">
        <div className="protocol-list">
          <ul>
            {list.map((p) => (
              <li key={p.file} className={draft?.stored === p.name ? 'active' : ''}>
                <button type="button" className="link" disabled={!p.protocol} title={p.error ?? p.file} onClick={() => p.protocol && setDraft(draftOf(p.protocol, p.name))} data-testid="protocol-item">
                  {p.name}
                </button>
                <span className="muted small">{p.protocol ? `${p.protocol.steps.length} steps, ${formatDuration(protocolSeconds(p.protocol) * 1000)}` : 'unreadable'}</span>
              </li>
            ))}
          </ul>
          <div className="protocol-list-buttons">
            <button type="button" onClick={() => setDraft(newDraft())} data-testid="protocol-new">
              New
            </button>
            <button type="button" disabled={!draft} onClick={() => draft && setDraft({ ...draft, stored: null, name: `${draft.name} (copy)` })} data-testid="protocol-duplicate">
              Duplicate
            </button>
            <button type="button" className="danger" disabled={!draft?.stored} onClick={() => draft?.stored && remove(draft.stored)} data-testid="protocol-delete">
              Delete
            </button>
            <FileButton label="Import…" accept=".json,application/json" testId="protocol-import" onFile={importFile} />
            <button type="button" disabled={!draft} onClick={exportDraft} data-testid="protocol-export">
              Export…
            </button>
          </div>
        </div>
        {draft ? (
          <div className="protocol-form">
            <label>
              Name{' '}
              <input type="text" value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} maxLength={100} data-testid="protocol-name" aria-label="Protocol name" />
            </label>
            <table className="table protocol-steps">
              <thead>
                <tr>
                  <th>#</th>
                  <th>Step</th>
                  <th>Duration (s)</th>
                  <th>Instructions</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {draft.steps.map((s, i) => (
                  <tr key={i} data-testid="protocol-step-row">
                    <td className="mono">{i + 1}</td>
                    <td>
                      <input type="text" value={s.name} onChange={(e) => setStep(i, { name: e.target.value })} aria-label={`Step ${i + 1} name`} data-testid="step-name" />
                    </td>
                    <td>
                      <input type="number" min={1} step="any" className="seconds" value={s.duration} onChange={(e) => setStep(i, { duration: e.target.value })} aria-label={`Step ${i + 1} duration in seconds`} data-testid="step-duration" />
                    </td>
                    <td>
                      <textarea rows={1} value={s.instructions} onChange={(e) => setStep(i, { instructions: e.target.value })} aria-label={`Step ${i + 1} instructions`} data-testid="step-instructions" />
                    </td>
                    <td className="nowrap">
                      <button type="button" className="icon" aria-label={`Move step ${i + 1} up`} disabled={i === 0} onClick={() => moveStep(i, -1)}>
                        ↑
                      </button>
                      <button type="button" className="icon" aria-label={`Move step ${i + 1} down`} disabled={i === draft.steps.length - 1} onClick={() => moveStep(i, 1)}>
                        ↓
                      </button>
                      <button type="button" className="icon" aria-label={`Remove step ${i + 1}`} onClick={() => setDraft({ ...draft, steps: draft.steps.filter((_, j) => j !== i) })} data-testid="step-remove">
                        ×
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <div className="dialog-buttons">
              <span className="muted small">{formatDuration(planned * 1000)} planned</span>
              <span className="spacer" />
              <button type="button" onClick={() => setDraft({ ...draft, steps: [...draft.steps, { ...NEW_STEP }] })} data-testid="step-add">
                + Step
              </button>
              <button type="button" className="primary" onClick={save} data-testid="protocol-save">
                Save
              </button>
            </div>
          </div>
        ) : (
          <p className="muted">Pick a protocol, or make a new one.</p>
        )}
      </div>
      {error ? (
        <p className="error-text" role="alert" data-testid="protocol-error">
          {error}
        </p>
      ) : null}
      {saved ? (
        <p className="muted" role="status" data-testid="protocol-saved">
          {saved}
        </p>
      ) : null}
    </dialog>
  );
}

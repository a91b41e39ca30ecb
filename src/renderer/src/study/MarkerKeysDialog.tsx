import { useState } from 'react';
import { useModalForm } from '../review/use-modal-form';
import { DEFAULT_MARKER_LABELS, MARKER_KEYS, type MarkerLabels } from './marker-keys';

/** The labels the hotkeys 1-9 give their markers (kept in this browser). */
export function MarkerKeysDialog({ labels, onSave, onClose }: { labels: MarkerLabels; onSave(labels: MarkerLabels): void; onClose(): void }) {
  const [draft, setDraft] = useState(labels);
  const save = () => {
    onSave(draft);
    onClose();
  };
  const { dialog, onKeyDown } = useModalForm(save);
  return (
    <dialog ref={dialog} className="confirm-dialog" aria-labelledby="marker-keys-title" data-testid="marker-keys-dialog" onCancel={onClose} onKeyDown={onKeyDown}>
      <h3 id="marker-keys-title">Marker hotkeys</h3>
      <p className="muted small">While recording, keys 1-9 add a marker with these labels (not in the review, where 1-9 label a selection).</p>
      <table className="table">
        <tbody>
          {MARKER_KEYS.map((key) => (
            <tr key={key}>
              <td className="mono">{key}</td>
              <td>
                <input
                  type="text"
                  value={draft[key]}
                  placeholder={DEFAULT_MARKER_LABELS[key]}
                  maxLength={200}
                  onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
                  aria-label={`Label of key ${key}`}
                  data-testid={`marker-key-${key}`}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="dialog-buttons">
        <button type="button" onClick={() => setDraft(DEFAULT_MARKER_LABELS)}>
          Defaults
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="primary" onClick={save} data-testid="marker-keys-save">
          Save
        </button>
      </div>
    </dialog>
  );
}

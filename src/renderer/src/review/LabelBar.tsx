import { useState } from 'react';
import type { ReviewEvent } from '../../../shared/review';
import { formatLabelList, parseLabelList, type LabelChoice } from './label-list';
import { formatElapsed, formatLength } from './time-axis';

interface Props {
  /** The interval selected for a new label. */
  selection: { t0: number; t1: number } | null;
  /** The label selected for a new text. */
  selectedLabel: ReviewEvent | null;
  choices: readonly LabelChoice[];
  onApply(text: string): void;
  onChoices(list: LabelChoice[]): void;
  onClear(): void;
}

/** Pick or type a label for the selected interval (or a new text for the selected label); edit the list of choices. */
export function LabelBar({ selection, selectedLabel, choices, onApply, onChoices, onClear }: Props) {
  const [text, setText] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  const [listErrors, setListErrors] = useState<string[]>([]);
  const target = selectedLabel
    ? `label “${selectedLabel.text}”: new text`
    : selection
      ? `${formatElapsed(selection.t0, 0.01)} – ${formatElapsed(selection.t1, 0.01)} (${formatLength(selection.t1 - selection.t0)})`
      : null;
  const apply = (t: string): void => {
    onApply(t);
    setText('');
  };
  return (
    <div className="label-bar" data-testid="label-bar">
      {editing !== null ? (
        <form
          className="label-config"
          onSubmit={(e) => {
            e.preventDefault();
            const parsed = parseLabelList(editing);
            setListErrors(parsed.errors);
            if (parsed.errors.length === 0 && parsed.labels.length > 0) {
              onChoices(parsed.labels);
              setEditing(null);
            }
          }}
        >
          <label className="field-inline">
            Label choices
            <input type="text" className="wide" value={editing} onChange={(e) => setEditing(e.target.value)} data-testid="label-choices" aria-label="Label choices" />
          </label>
          <button type="submit">Save</button>
          <button type="button" onClick={() => setEditing(null)}>
            Cancel
          </button>
          {listErrors.map((e) => (
            <span key={e} className="export-error small">
              {e}
            </span>
          ))}
        </form>
      ) : (
        <>
          <span className={target ? '' : 'muted'}>{target ? `Label ${target}:` : 'Shift+drag a track or drag the time axis to select an interval, then label it:'}</span>
          {choices.map((c) => (
            <button key={c.hotkey} type="button" disabled={!target} onClick={() => apply(c.text)} title={`Hotkey ${c.hotkey}`} data-testid={`label-choice-${c.hotkey}`}>
              <span className="hotkey">{c.hotkey}</span> {c.text}
            </button>
          ))}
          <form
            className="label-free"
            onSubmit={(e) => {
              e.preventDefault();
              if (text.trim()) apply(text);
            }}
          >
            <input type="text" placeholder="other label…" value={text} onChange={(e) => setText(e.target.value)} disabled={!target} data-testid="label-text" aria-label="Label text" />
            <button type="submit" disabled={!target || !text.trim()} data-testid="label-apply">
              Apply
            </button>
          </form>
          {target ? (
            <button type="button" onClick={onClear} title="Esc">
              Clear
            </button>
          ) : null}
          <span className="spacer" />
          <button type="button" onClick={() => setEditing(formatLabelList(choices))} title="Edit the label choices and their hotkeys (kept in this browser)" data-testid="label-choices-edit">
            Edit choices
          </button>
        </>
      )}
    </div>
  );
}

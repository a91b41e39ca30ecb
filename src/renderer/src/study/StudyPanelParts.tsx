/** Pieces the Study view's panels share: the in-place delete confirmation, a form's ending and its error. */

export const sessionCount = (n: number): string => `${n} session${n === 1 ? '' : 's'}`;

/** A row's delete, confirmed in place: what it does to the sessions, then Delete or Cancel. */
export function ConfirmDelete({ question, testId, onDelete, onCancel }: { question: string; testId: string; onDelete(): void; onCancel(): void }) {
  return (
    <span className="field-inline" data-testid={`${testId}-confirm`}>
      {question}
      <button type="button" className="danger" onClick={onDelete} data-testid={`${testId}-yes`}>
        Delete
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </span>
  );
}

/** A panel form's submit (Add, or Save while editing) and its Cancel. */
export function FormEnd({ what, addLabel, editing, onCancel }: { what: string; addLabel: string; editing: boolean; onCancel(): void }) {
  return (
    <>
      <button type="submit" className="primary" data-testid={`${what}-save`}>
        {editing ? 'Save' : addLabel}
      </button>
      {editing ? (
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      ) : null}
    </>
  );
}

export function FormError({ what, error }: { what: string; error: string | null }) {
  return error ? (
    <div className="library-error" role="alert" data-testid={`${what}-error`}>
      {error}
    </div>
  ) : null;
}

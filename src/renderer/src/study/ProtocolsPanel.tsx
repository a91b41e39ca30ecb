import { useState } from 'react';
import type { VitalsApi } from '../../../shared/api';
import { protocolSeconds, type StoredProtocol } from '../../../shared/protocol';
import { errorMessage, formatDuration } from '../format';
import { ProtocolEditor } from './ProtocolEditor';
import { downloadProtocol } from './protocol-download';
import { ConfirmDelete, FormError } from './StudyPanelParts';
import { FileButton } from '../components/FileButton';
import { EmptyRow } from '../components/EmptyRow';

interface Props {
  api: VitalsApi;
  /** The library's protocols (the record bar's list). */
  protocols: readonly StoredProtocol[];
  /** They changed here: reload them. */
  onChanged(): void;
}

/** The library's protocols with their steps and length: New and Edit open the protocol editor; Import, Export and Delete work here. */
export function ProtocolsPanel({ api, protocols, onChanged }: Props) {
  // undefined: editor closed; null: open on a new protocol; a name: open on that one.
  const [editing, setEditing] = useState<string | null | undefined>(undefined);
  const [deleting, setDeleting] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const act = (work: Promise<string>): void => {
    setError(null);
    setDone(null);
    work.then(
      (what) => {
        setDone(what);
        setDeleting(null);
        onChanged();
      },
      (e: unknown) => setError(errorMessage(e)),
    );
  };
  const importFile = (file: File): void => act(file.text().then((text) => api.importProtocol(text, file.name)).then((p) => `Imported “${p.name}”`));

  return (
    <section className="panel" data-testid="protocols-panel">
      <div className="panel-head">
        <h2>Protocols</h2>
        <span className="muted small">the steps a recording runs through: pick one in the record bar</span>
      </div>
      <div className="panel-body">
        <table className="table" data-testid="protocols-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Steps</th>
              <th className="num" title="planned length (m:ss)">Length</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {protocols.map((p) => (
              <tr key={p.file} data-testid={`protocol-row-${p.name}`}>
                <td>{p.name}</td>
                <td>
                  {p.protocol ? (
                    <ol className="protocol-step-list">
                      {p.protocol.steps.map((s, i) => (
                        <li key={i} title={s.instructions || undefined}>
                          {s.name} <span className="muted">{s.duration_s} s</span>
                        </li>
                      ))}
                    </ol>
                  ) : (
                    <span className="error-text">unreadable: {p.error}</span>
                  )}
                </td>
                <td className="num mono" data-testid="protocol-length">
                  {p.protocol ? formatDuration(protocolSeconds(p.protocol) * 1000) : '—'}
                </td>
                <td>
                  {deleting === p.name ? (
                    <ConfirmDelete question={`Delete ${p.name}? Recorded sessions keep their steps.`} testId="protocol-row-delete" onDelete={() => act(api.deleteProtocol(p.name).then(() => `Deleted “${p.name}”`))} onCancel={() => setDeleting(null)} />
                  ) : (
                    <>
                      <button type="button" disabled={!p.protocol} onClick={() => setEditing(p.name)} data-testid={`protocol-edit-${p.name}`}>
                        Edit
                      </button>
                      <button type="button" disabled={!p.protocol} onClick={() => p.protocol && downloadProtocol(p.protocol)} data-testid={`protocol-export-${p.name}`} title="Download as a JSON file">
                        Export
                      </button>
                      <button type="button" onClick={() => setDeleting(p.name)} data-testid={`protocol-delete-${p.name}`}>
                        Delete
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
            {protocols.length === 0 ? <EmptyRow columns={4}>No protocols yet: make one, or import a JSON file.</EmptyRow> : null}
          </tbody>
        </table>
        <div className="study-form">
          <button type="button" className="primary" onClick={() => setEditing(null)} data-testid="protocols-new">
            New protocol
          </button>
          <FileButton label="Import…" accept=".json,application/json" testId="protocols-import" onFile={importFile} />
          {done ? (
            <span className="muted" role="status" data-testid="protocols-done">
              {done}
            </span>
          ) : null}
        </div>
        <FormError what="protocols" error={error} />
      </div>
      {editing !== undefined ? (
        <ProtocolEditor
          api={api}
          startWith={editing}
          onChanged={onChanged}
          onClose={() => {
            setEditing(undefined);
            onChanged();
          }}
        />
      ) : null}
    </section>
  );
}

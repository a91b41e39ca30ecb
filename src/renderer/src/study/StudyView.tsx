import { useState } from 'react';
import type { VitalsApi } from '../../../shared/api';
import { HANDS, SEXES, SKIN_TONE_SCALES, formatSkinTone, type Participant, type ParticipantEntry, type SkinToneScale, type StudyEntry } from '../../../shared/study';
import type { StoredProtocol } from '../../../shared/protocol';
import { errorMessage } from '../format';
import { ProtocolsPanel } from './ProtocolsPanel';
import { ConfirmDelete, FormEnd, FormError, sessionCount } from './StudyPanelParts';
import type { StudyRecords } from './use-study-records';
import { EmptyRow } from '../components/EmptyRow';

interface Props {
  api: VitalsApi;
  records: StudyRecords;
  /** The library's protocols, as the record bar's picker has them, and how to reload them after a change. */
  protocols: readonly StoredProtocol[];
  onProtocolsChanged(): void;
}

/** The Study route: a column of panels (participants, studies, protocols). */
export function StudyView({ api, records, protocols, onProtocolsChanged }: Props) {
  return (
    <div className="page-fill study-view" data-testid="study-view">
      <ParticipantsPanel api={api} records={records} />
      <StudiesPanel api={api} records={records} />
      <ProtocolsPanel api={api} protocols={protocols} onChanged={onProtocolsChanged} />
    </div>
  );
}

/** The participant form's fields as typed; '' is unset. */
interface ParticipantForm {
  id: string;
  ageBand: string;
  sex: string;
  scale: SkinToneScale | '';
  tone: string;
  wristCm: string;
  dominantHand: string;
  notes: string;
}

const EMPTY_FORM: ParticipantForm = { id: '', ageBand: '', sex: '', scale: '', tone: '', wristCm: '', dominantHand: '', notes: '' };

function toForm(p: ParticipantEntry): ParticipantForm {
  return {
    id: p.id,
    ageBand: p.ageBand ?? '',
    sex: p.sex ?? '',
    scale: p.skinTone?.scale ?? '',
    tone: p.skinTone?.value ?? '',
    wristCm: p.wristCm !== undefined ? String(p.wristCm) : '',
    dominantHand: p.dominantHand ?? '',
    notes: p.notes ?? '',
  };
}

/** The form as a participant to save: unset fields left out (the engine checks the rest, naming a wrong field). */
function fromForm(f: ParticipantForm): Participant {
  return {
    id: f.id,
    ...(f.ageBand.trim() ? { ageBand: f.ageBand.trim() } : {}),
    ...(f.sex ? { sex: f.sex as Participant['sex'] } : {}),
    ...(f.scale && f.tone ? { skinTone: { scale: f.scale, value: f.tone } } : {}),
    ...(f.wristCm.trim() ? { wristCm: Number(f.wristCm) } : {}),
    ...(f.dominantHand ? { dominantHand: f.dominantHand as Participant['dominantHand'] } : {}),
    ...(f.notes.trim() ? { notes: f.notes } : {}),
  };
}

function ParticipantsPanel({ api, records }: { api: VitalsApi; records: StudyRecords }) {
  const [form, setForm] = useState<ParticipantForm>(EMPTY_FORM);
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState<ParticipantEntry | null>(null);
  const [error, setError] = useState<string | null>(null);
  const set = (field: keyof ParticipantForm) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [field]: e.target.value }));
  const done = (): void => {
    setForm(EMPTY_FORM);
    setEditing(false);
    setDeleting(null);
    records.refresh();
  };
  const save = (): void => {
    setError(null);
    api.saveParticipant(fromForm(form)).then(done, (e: unknown) => setError(errorMessage(e)));
  };
  const remove = (p: ParticipantEntry): void => {
    setError(null);
    api.deleteParticipant(p.id, true).then(done, (e: unknown) => setError(errorMessage(e)));
  };

  return (
    <section className="panel" data-testid="participants-panel">
      <div className="panel-head">
        <h2>Participants</h2>
        <span className="muted small">pseudonymous: an ID and sensing-relevant fields only; never enter a name, birth date, e-mail or other direct identifier</span>
      </div>
      <div className="panel-body">
        <table className="table" data-testid="participants-table">
          <thead>
            <tr>
              <th>ID</th>
              <th>Age band</th>
              <th>Sex</th>
              <th>Skin tone</th>
              <th className="num">Wrist (cm)</th>
              <th>Dominant hand</th>
              <th className="num">Sessions</th>
              <th>Notes</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {records.participants.map((p) => (
              <tr key={p.id} data-testid={`participant-${p.id}`}>
                <td>{p.id}</td>
                <td>{p.ageBand ?? '—'}</td>
                <td>{p.sex ?? '—'}</td>
                <td>{p.skinTone ? formatSkinTone(p.skinTone) : '—'}</td>
                <td className="num">{p.wristCm ?? '—'}</td>
                <td>{p.dominantHand ?? '—'}</td>
                <td className="num">{p.sessions}</td>
                <td>{p.recorded ? (p.notes ?? '') : <span className="muted">no record yet: named by sessions only</span>}</td>
                <td>
                  {deleting?.id === p.id ? (
                    <ConfirmDelete
                      question={p.sessions > 0 ? `${sessionCount(p.sessions)} name ${p.id}: their participant is cleared.` : `Delete ${p.id}?`}
                      testId="participant-delete"
                      onDelete={() => remove(p)}
                      onCancel={() => setDeleting(null)}
                    />
                  ) : (
                    <>
                      <button
                        type="button"
                        onClick={() => {
                          setForm(toForm(p));
                          setEditing(true);
                        }}
                        data-testid={`participant-edit-${p.id}`}
                      >
                        {p.recorded ? 'Edit' : 'Add details'}
                      </button>
                      <button type="button" onClick={() => setDeleting(p)} data-testid={`participant-delete-${p.id}`}>
                        Delete
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
            {records.participants.length === 0 ? <EmptyRow columns={9}>No participants yet: add one below, or type an ID in the record bar.</EmptyRow> : null}
          </tbody>
        </table>
        <form
          className="study-form"
          aria-label="Participant"
          data-testid="participant-form"
          onSubmit={(e) => {
            e.preventDefault();
            save();
          }}
        >
          <input type="text" placeholder="Participant ID (e.g. P07)" aria-label="Participant ID" maxLength={64} value={form.id} onChange={set('id')} readOnly={editing} data-testid="participant-id" required />
          <input type="text" placeholder="Age band (30-39)" aria-label="Age band" className="narrow" value={form.ageBand} onChange={set('ageBand')} data-testid="participant-age-band" />
          <select aria-label="Sex" value={form.sex} onChange={set('sex')} data-testid="participant-sex">
            <option value="">sex: not given</option>
            {SEXES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
          <select aria-label="Skin tone scale" value={form.scale} onChange={(e) => setForm((f) => ({ ...f, scale: e.target.value as SkinToneScale | '', tone: '' }))} data-testid="participant-skin-scale">
            <option value="">skin tone: not given</option>
            <option value="fitzpatrick">Fitzpatrick (I-VI)</option>
            <option value="monk">Monk (1-10)</option>
          </select>
          {form.scale ? (
            <select aria-label="Skin tone" value={form.tone} onChange={set('tone')} data-testid="participant-skin-tone">
              <option value="">—</option>
              {SKIN_TONE_SCALES[form.scale].map((v) => (
                <option key={v} value={v}>
                  {v}
                </option>
              ))}
            </select>
          ) : null}
          <label className="field-inline">
            wrist <input type="number" min={5} max={40} step={0.1} className="minutes" aria-label="Wrist circumference in cm" value={form.wristCm} onChange={set('wristCm')} data-testid="participant-wrist" /> cm
          </label>
          <select aria-label="Dominant hand" value={form.dominantHand} onChange={set('dominantHand')} data-testid="participant-hand">
            <option value="">hand: not given</option>
            {HANDS.map((h) => (
              <option key={h} value={h}>
                {h}
              </option>
            ))}
          </select>
          <input type="text" placeholder="Notes (no identifying details)" aria-label="Notes" value={form.notes} onChange={set('notes')} data-testid="participant-notes" />
          <FormEnd what="participant" addLabel="Add participant" editing={!!editing} onCancel={done} />
        </form>
        <FormError what="participant" error={error} />
      </div>
    </section>
  );
}

function StudiesPanel({ api, records }: { api: VitalsApi; records: StudyRecords }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [editing, setEditing] = useState<StudyEntry | null>(null);
  const [deleting, setDeleting] = useState<StudyEntry | null>(null);
  const [error, setError] = useState<string | null>(null);
  const done = (): void => {
    setName('');
    setDescription('');
    setEditing(null);
    setDeleting(null);
    records.refresh();
  };
  const fail = (e: unknown): void => setError(errorMessage(e));
  const save = (): void => {
    setError(null);
    api.saveStudy({ ...(editing?.id ? { id: editing.id } : {}), name, description }).then(done, fail);
  };

  return (
    <section className="panel" data-testid="studies-panel">
      <div className="panel-head">
        <h2>Studies</h2>
        <span className="muted small">a session belongs to at most one study: pick it in the record bar</span>
      </div>
      <div className="panel-body">
        <table className="table" data-testid="studies-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Description</th>
              <th className="num">Sessions</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {records.studies.map((s) => (
              <tr key={s.name} data-testid={`study-${s.name}`}>
                <td>{s.name}</td>
                <td>{s.id === null ? <span className="muted">no record: named by imported sessions</span> : s.description}</td>
                <td className="num">{s.sessions}</td>
                <td>
                  {s.id === null ? (
                    <button type="button" onClick={() => api.saveStudy({ name: s.name }).then(done, fail)}>
                      Add record
                    </button>
                  ) : deleting?.id === s.id ? (
                    <ConfirmDelete
                      question={s.sessions > 0 ? `${sessionCount(s.sessions)} leave the study.` : `Delete ${s.name}?`}
                      testId="study-delete"
                      onDelete={() => api.deleteStudy(s.id!, true).then(done, fail)}
                      onCancel={() => setDeleting(null)}
                    />
                  ) : (
                    <>
                      <button
                        type="button"
                        onClick={() => {
                          setEditing(s);
                          setName(s.name);
                          setDescription(s.description);
                        }}
                      >
                        Rename / describe
                      </button>
                      <button type="button" onClick={() => setDeleting(s)}>
                        Delete
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
            {records.studies.length === 0 ? <EmptyRow columns={4}>No studies yet.</EmptyRow> : null}
          </tbody>
        </table>
        <form
          className="study-form"
          aria-label="Study"
          onSubmit={(e) => {
            e.preventDefault();
            save();
          }}
        >
          <input type="text" placeholder="Study name" aria-label="Study name" maxLength={100} value={name} onChange={(e) => setName(e.target.value)} data-testid="study-name" required />
          <input type="text" placeholder="Description" aria-label="Study description" value={description} onChange={(e) => setDescription(e.target.value)} data-testid="study-description" />
          <FormEnd what="study" addLabel="Add study" editing={!!editing} onCancel={done} />
        </form>
        <FormError what="study" error={error} />
      </div>
    </section>
  );
}

import type { PreflightResult } from './preflight';
import type { StepSummary } from './step-summary';
import type { BleAdapterState, BleScanResult } from './ble';
import type { AgreementRequest, AgreementResult, AgreementSource } from './agreement';
import type { EvaluationListing, StoredEvaluation } from './evaluation';
import type { Participant, ParticipantEntry, StudyEntry, StudyInput } from './study';
import type { LiveModelRecord, ModelRunOutputs, ModelRunSummary } from './model-runs';
import type { Protocol, ProtocolControl, ProtocolRunState, StoredProtocol } from './protocol';
import type { AnalysisRunBeats, AnalysisRunSummary, BeatEdit, BeatSeries, HrvSummary, NewLabel, ReanalysisOptions, SessionDetail, TrackData } from './review';
import type { ConnectOptions, DatasetRequest, DeviceEntry, EngineStatus, ExportRequest, JobState, ModelEntry, ModelInfo, ModelState, RawView, SessionSummary, StreamInfo } from './types';

/** The samples that reached the UI since the previous frame, per stream. */
export interface LiveStreamBlock {
  key: string;
  /** Host time of the first sample, seconds since the Unix epoch. */
  t0: number;
  dt: number;
  n: number;
  channels: number;
  /** Channel-major, physical units. */
  data: Float32Array;
  /** Host time (ms since the Unix epoch) the newest of these samples reached the engine. */
  arrivedAt: number;
}

/** A beat or step the analysis found, or a class a model gave a beat or window, to mark on its stream's trace. */
export type LiveMark =
  | { key: string; /** Host time, s since the Unix epoch. */ t: number; kind: 'beat' | 'step' }
  | { key: string; t: number; kind: 'model'; /** The model's name. */ model: string; /** The class it gave (one of its manifest's `display.marks`). */ label: string };

export interface LiveFrame {
  /** Host time the engine sent the frame (ms since the Unix epoch): lets a UI align its clock. */
  sentAt: number;
  blocks: LiveStreamBlock[];
  marks: LiveMark[];
}

export interface RecordOptions {
  name: string;
  participant: string;
  /** Records although the pre-flight check (setPreflight) has not passed; the reason is kept in the session. */
  preflightOverride?: string;
  /** A protocol to run from the recording's start (its state in `EngineStatus.protocol`). */
  protocol?: Protocol;
  /** With a protocol: keep recording once it ends (default: the recording stops with it). */
  openEnded?: boolean;
  /** A saved study's name ('' or absent: none); an unknown one is refused before recording starts. */
  study?: string;
}

/** Requests the renderer can make. Every face implements exactly this. */
export interface VitalsCommands {
  listDevices(): Promise<DeviceEntry[]>;
  /** Opens a device: `serial:<path>` ids take baud/protocol/rate options; paths not listed (ptys) open too. */
  connect(deviceId: string, options?: ConnectOptions): Promise<void>;
  disconnect(deviceId: string): Promise<void>;
  getStatus(): Promise<EngineStatus>;
  startRecording(options: RecordOptions): Promise<number>;
  stopRecording(): Promise<SessionSummary | null>;
  listSessions(): Promise<SessionSummary[]>;
  /** Adds a marker to the recording now; returns its host time (s since the Unix epoch). */
  addMarker(text: string): Promise<number>;
  /** The library's protocols (`<library dir>/protocols/*.json`), by name; an unreadable file comes with its error. */
  listProtocols(): Promise<StoredProtocol[]>;
  /** Checks and stores a protocol; `previousName`: the one being edited (renamed if the name changed). Never replaces another of the same name. */
  saveProtocol(protocol: Protocol, previousName?: string | null): Promise<StoredProtocol>;
  deleteProtocol(name: string): Promise<void>;
  /** Imports a protocol file's text (`fileName` names it in errors); one of the same name is replaced only with `replace`. */
  importProtocol(text: string, fileName: string, replace?: boolean | null): Promise<StoredProtocol>;
  /** Pauses, resumes, skips or extends the running protocol's current step; returns the runner's state. */
  controlProtocol(command: ProtocolControl): Promise<ProtocolRunState>;
  /** The last bytes/lines a connected device sent, for the raw view. */
  getRaw(deviceId: string): Promise<RawView>;
  /** The Bluetooth adapter's state, and why it is unusable when it is. */
  bleState(): Promise<BleAdapterState>;
  /** Scans for `seconds` (up to 60) for BLE devices we can drive (Heart Rate, Polar PMD, Nordic UART). */
  scanBle(seconds: number): Promise<BleScanResult[]>;
  /** Starts capturing a connected BLE device's GATT notifications to a JSONL log (`file` empty: a new one in the exports folder), or stops (null); resolves with the file. */
  captureGatt(deviceId: string, file: string | null): Promise<string | null>;
  /**
   * Starts a job exporting a recorded session in `request.format` (see EXPORT_FORMATS: CSV files or
   * WFDB records in a folder, one EDF+/BDF+ file, or a Parquet folder) into the library's exports folder. Its progress and outcome
   * (the files, or the error) arrive in `EngineStatus.jobs`. With a range, only the samples and
   * events in it (seconds from the start); with `streams`, only those streams (keys; an unknown
   * one is refused) and the events of those streams or of none.
   */
  exportSession(sessionId: number, request: ExportRequest): Promise<JobState>;
  /** Renames a session (trimmed, not empty); returns it as listed. */
  renameSession(sessionId: number, name: string): Promise<SessionSummary>;
  /** Replaces a session's tags (trimmed, duplicates dropped); returns it as listed. */
  setSessionTags(sessionId: number, tags: string[]): Promise<SessionSummary>;
  /** Deletes a session and everything recorded in it. Refused while it is recorded or a job works on it. */
  deleteSession(sessionId: number): Promise<void>;
  /**
   * Starts a job writing a session as its own SQLite library file (`session-<id>.db`, openable
   * with `--db`, importable) into the library's exports folder; progress in `EngineStatus.jobs`.
   */
  exportSessionFile(sessionId: number): Promise<JobState>;
  /**
   * Starts a job importing every session of a library file (a path on the engine's machine) under
   * new ids, or a WFDB record (`.hea`) as one new session; its output lists them. Nothing in the
   * library is overwritten.
   */
  importSessionFile(path: string): Promise<JobState>;
  /**
   * Starts a job building an ML dataset (as `vitalscope dataset`) from recorded sessions into
   * `request.out` (empty: a new folder under the library's `datasets/`); its output names the
   * manifest first. Cancel keeps finished parts; the same request resumes.
   */
  buildDataset(request: DatasetRequest): Promise<JobState>;
  /** Cancels a running job: it ends `cancelled` and leaves no partial files. */
  cancelJob(jobId: number): Promise<void>;
  /** Welch power spectral density of the newest `seconds` (<= 30) of one channel of a live stream. */
  getPsd(streamKey: string, channel: number, seconds: number): Promise<PsdResult>;
  /** A recorded session for the review view: its streams and its events (times from the session start). */
  getSessionDetail(sessionId: number): Promise<SessionDetail>;
  /** One stream of a session over [t0, t1) s from its start, as at most `columns` min/max columns or the raw samples. */
  readTrack(sessionId: number, streamKey: string, t0: number, t1: number, columns: number): Promise<TrackData>;
  /** A stream's beats (or steps): the corrected set when the user edited it, else the detected one. */
  getBeats(sessionId: number, streamKey: string): Promise<BeatSeries>;
  /** Applies edits to a stream's corrected beat set (made from the detected one on the first edit); returns it. */
  editBeats(sessionId: number, streamKey: string, edits: BeatEdit[]): Promise<BeatSeries>;
  /** Discards a stream's corrected beat set, so the detected one is current again; returns it. */
  resetBeats(sessionId: number, streamKey: string): Promise<BeatSeries>;
  /** HR and HRV over [t0, t1) s from the stream's current beat set. */
  getHrv(sessionId: number, streamKey: string, t0: number, t1: number): Promise<HrvSummary>;
  /** Adds a label (an interval with a text) to a session; returns its id. */
  addLabel(sessionId: number, label: NewLabel): Promise<number>;
  updateLabel(sessionId: number, labelId: number, label: NewLabel): Promise<void>;
  deleteLabel(sessionId: number, labelId: number): Promise<void>;
  /** Re-runs the analysis over a session with other parameters, as a job; the result is stored as a named run beside the live one. */
  reanalyzeSession(sessionId: number, options: ReanalysisOptions): Promise<JobState>;
  listAnalysisRuns(sessionId: number): Promise<AnalysisRunSummary[]>;
  getAnalysisRunBeats(sessionId: number, runId: number): Promise<AnalysisRunBeats>;
  deleteAnalysisRun(sessionId: number, runId: number): Promise<void>;
  /** Loads an ONNX model (a path on the engine's machine) and its `.onnx.json` manifest, checks them against each other and releases it: its manifest, or an Error naming the file and the field. */
  inspectModel(path: string): Promise<ModelInfo>;
  /** Runs a model on a live stream in the analysis worker; its outputs are the derived stream `<stream>.<model>`, its figures in `EngineStatus.analysis.models`. */
  attachModel(path: string, streamKey: string): Promise<ModelState>;
  /** Stops an attached model (or forgets a failed one). */
  detachModel(modelId: string): Promise<void>;
  /** The bundled models and those imported into the library's models folder, with their manifests' summaries. */
  listModels(): Promise<ModelEntry[]>;
  /**
   * Sends part of a model file to import (base64, at most UPLOAD_PART_BYTES a part, in order
   * from offset 0; at most MODEL_IMPORT_MAX_BYTES in all); returns the bytes received so far.
   */
  uploadModelPart(uploadId: string, offset: number, base64: string): Promise<number>;
  /**
   * Imports the uploaded `.onnx` (named `fileName`) with its manifest's text (null when the user
   * gave none: refused, naming the missing file) into the library's models folder, after loading
   * and checking both; a broken model is refused with its error and nothing is kept.
   */
  importModel(model: { uploadId: string; fileName: string; manifest: string | null }): Promise<ModelEntry>;
  /**
   * Sends part of a file to import as a session (base64, at most UPLOAD_PART_BYTES a part, in order
   * from offset 0; at most SESSION_FILE_UPLOAD_MAX_BYTES in all); returns the bytes received so far.
   */
  uploadImportPart(uploadId: string, offset: number, base64: string): Promise<number>;
  /**
   * Puts uploaded files together in a new folder under the library's `imports/` and starts an
   * import job (as importSessionFile) for each, except the files of a WFDB record beside its
   * `.hea` (its `.dat`, `.atr`), which its header's import reads. One entry per file, in order.
   */
  importUploads(files: { uploadId: string; fileName: string }[]): Promise<UploadedImport[]>;
  /** Removes an imported model (not a bundled one). */
  removeModel(modelId: string): Promise<void>;
  /**
   * Starts a job scoring a per-beat classifier (a path on the engine's machine) over inputs: WFDB
   * `.hea` paths (with their `.atr`) and ids of sessions whose ECG beats have classes. Progress per
   * input; the report is kept (see listEvaluations), the job's output `name` is its id.
   */
  evaluateModel(modelPath: string, inputs: string[]): Promise<JobState>;
  /** The bundled model, the sessions with beat classes, and the kept evaluations, newest first. */
  listEvaluations(): Promise<EvaluationListing>;
  getEvaluation(id: string): Promise<StoredEvaluation>;
  /**
   * The session of a WFDB record (a `.hea` path on the engine's machine), to review an evaluation's
   * error in it: the one an earlier import made, or a job importing it now (its output names the session).
   */
  openRecordSession(path: string): Promise<{ sessionId: number } | { job: JobState }>;
  /** The bundled PVC model's path on the engine's machine, or null when it is missing. */
  getBundledModel(): Promise<string | null>;
  /** Runs a model (a path on the engine's machine) over a recorded session, as a job; its outputs are stored as run `name` (default: the model's name). */
  runModelOnSession(sessionId: number, modelPath: string, name?: string): Promise<JobState>;
  listModelRuns(sessionId: number): Promise<ModelRunSummary[]>;
  getModelRunOutputs(sessionId: number, runId: number): Promise<ModelRunOutputs>;
  deleteModelRun(sessionId: number, runId: number): Promise<void>;
  /** Outputs of live models recorded in the session (derived streams `<stream>.<model>`), with their marks. */
  listLiveModelRecords(sessionId: number): Promise<LiveModelRecord[]>;
  /**
   * Checks these streams (kinds such as ecg, ppg, imu, or stream names) before recording, from now
   * on: the result is in `EngineStatus.preflight`, and startRecording refuses while it has not
   * passed unless given an override reason. An empty list stops checking.
   */
  setPreflight(required: string[]): Promise<PreflightResult | null>;
  /** The pre-flight check now, or null when none is set. */
  getPreflight(): Promise<PreflightResult | null>;
  /** Per protocol step (or the whole session, without steps): HR per source, SpO2, footsteps, quality, lost samples. */
  getStepSummary(sessionId: number): Promise<StepSummary>;
  /** Participant records with their session counts, and the IDs sessions name without a record (`recorded: false`). */
  listParticipants(): Promise<ParticipantEntry[]>;
  /** Adds a participant or replaces the record with its ID whole; an Error names the wrong field. */
  saveParticipant(participant: Participant): Promise<ParticipantEntry>;
  /** Deletes a participant record; refused with the count while sessions name it, unless `unlink` (their participant is cleared). */
  deleteParticipant(id: string, unlink?: boolean): Promise<void>;
  /** Studies with their session counts. */
  listStudies(): Promise<StudyEntry[]>;
  /** Adds a study, or with an id renames and describes it (its sessions follow). */
  saveStudy(study: StudyInput): Promise<StudyEntry>;
  /** Deletes a study; refused with the count while sessions belong to it, unless `unlink` (they leave it). */
  deleteStudy(studyId: number, unlink?: boolean): Promise<void>;
  /** Puts a session in a saved study ('' takes it out); returns it as listed. */
  setSessionStudy(sessionId: number, study: string): Promise<SessionSummary>;
  /** Names a session's participant ('' for none; a record need not exist); returns it as listed. */
  setSessionParticipant(sessionId: number, participant: string): Promise<SessionSummary>;
  /** The sources the agreement view can compare in a session: numeric channels of derived and irregular streams, and beats. */
  getAgreementSources(sessionId: number): Promise<AgreementSource[]>;
  /** The agreement of source B with the reference A (difference B - A), overall and per protocol step, with the pairs for its plots. */
  getAgreement(sessionId: number, request: AgreementRequest): Promise<AgreementResult>;
}

/** The largest model file an import takes. */
export const MODEL_IMPORT_MAX_BYTES = 100 * 1024 * 1024;

/** The largest file an import by upload takes (a long EDF or BDF recording). */
export const SESSION_FILE_UPLOAD_MAX_BYTES = 4 * 1024 ** 3;

/** Bytes of a file per upload part (uploadModelPart, uploadImportPart): ~175 KB of base64, under the web face's 256 KB request limit. */
export const UPLOAD_PART_BYTES = 128 * 1024;

/** One uploaded file of importUploads: where it was put, and the job importing it, or the record it belongs to, or why no job started. */
export interface UploadedImport {
  fileName: string;
  /** On the engine's machine. */
  path: string;
  job?: JobState;
  /** A WFDB record's signal or annotation file: the `.hea` whose import reads it. */
  partOf?: string;
  error?: string;
}

export interface PsdResult {
  key: string;
  channel: number;
  /** Hz. */
  freqs: number[];
  /** Power spectral density, unit²/Hz. */
  psd: number[];
}

export type VitalsCommand = keyof VitalsCommands;

export const VITALS_COMMANDS: readonly VitalsCommand[] = [
  'listDevices',
  'connect',
  'disconnect',
  'getStatus',
  'startRecording',
  'stopRecording',
  'listSessions',
  'addMarker',
  'listProtocols',
  'saveProtocol',
  'deleteProtocol',
  'importProtocol',
  'controlProtocol',
  'getRaw',
  'getPsd',
  'exportSession',
  'renameSession',
  'setSessionTags',
  'deleteSession',
  'exportSessionFile',
  'importSessionFile',
  'buildDataset',
  'cancelJob',
  'getSessionDetail',
  'readTrack',
  'getBeats',
  'editBeats',
  'resetBeats',
  'getHrv',
  'addLabel',
  'updateLabel',
  'deleteLabel',
  'reanalyzeSession',
  'listAnalysisRuns',
  'getAnalysisRunBeats',
  'deleteAnalysisRun',
  'inspectModel',
  'attachModel',
  'detachModel',
  'listModels',
  'uploadModelPart',
  'importModel',
  'uploadImportPart',
  'importUploads',
  'removeModel',
  'evaluateModel',
  'listEvaluations',
  'getEvaluation',
  'openRecordSession',
  'getBundledModel',
  'runModelOnSession',
  'listModelRuns',
  'getModelRunOutputs',
  'deleteModelRun',
  'listLiveModelRecords',
  'setPreflight',
  'getPreflight',
  'getStepSummary',
  'listParticipants',
  'saveParticipant',
  'deleteParticipant',
  'listStudies',
  'saveStudy',
  'deleteStudy',
  'setSessionStudy',
  'setSessionParticipant',
  'bleState',
  'scanBle',
  'captureGatt',
  'getAgreementSources',
  'getAgreement',
];

/** The typed interface the renderer talks to, over IPC (preload) or WebSocket (web face). */
export interface VitalsApi extends VitalsCommands {
  /** Subscribe to live sample frames (<= 60 per second). Returns an unsubscribe function. */
  onFrame(listener: (frame: LiveFrame) => void): () => void;
  /** Subscribe to status pushes (about once a second, and on every change). */
  onStatus(listener: (status: EngineStatus) => void): () => void;
}

export type { ConnectOptions, JobState, ModelEntry, ModelInfo, ModelState, RawView, StreamInfo };

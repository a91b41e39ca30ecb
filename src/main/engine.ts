import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { MODEL_IMPORT_MAX_BYTES, SESSION_FILE_UPLOAD_MAX_BYTES, type LiveFrame, type PsdResult, type RecordOptions, type UploadedImport } from '../shared/api';
import type { BleAdapterState, BleScanResult } from '../shared/ble';
import type { LiveModelRecord, ModelRunOutputs, ModelRunSummary } from '../shared/model-runs';
import type { AnalysisRunBeats, AnalysisRunSummary, BeatEdit, BeatSeries, HrvSummary, NewLabel, ReanalysisOptions, SessionDetail, TrackData } from '../shared/review';
import type { ConnectOptions, DatasetRequest, DeviceEntry, EngineStatus, ExportRequest, JobState, ModelEntry, ModelInfo, ModelState, RawView, SessionSummary } from '../shared/types';
import type { EvaluationListing, StoredEvaluation } from '../shared/evaluation';
import type { Participant, ParticipantEntry, StudyEntry, StudyInput } from '../shared/study';
import type { AgreementRequest, AgreementResult, AgreementSource } from '../shared/agreement';
import { agreementSources, sessionAgreement } from './study/agreement-sources';
import { EXPORT_FORMATS } from '../shared/export-formats';
import { BoardConnection, StreamBus, UiPublisher, hostNow, type HostClock } from './acquisition';
import type { ReconnectPolicy } from './acquisition/link-retry';
import { GattConnection } from './acquisition/gatt-connection';
import type { GattCentral } from './devices/ble/gatt';
import { MAX_SPEED, MIN_SPEED, PlaybackDevice, playbackSessionId } from './acquisition/playback-device';
import type { VirtualTime } from './acquisition/virtual-time';
import { AnalysisHost } from './analysis/analysis-host';
import { ModelLibrary, modelsDir } from './analysis/inference/model-library';
import { classifiedSessions, listEvaluations, readEvaluation } from './analysis/evaluation/evaluation-store';
import { pendingBeatDetections } from './analysis/offline/detect-beats';
import { importedRecordSession } from './analysis/offline/import-record';
import { bundledModelPath } from './analysis/inference/bundled-model';
import { checkModelRun } from './analysis/inference/session-run';
import { DeviceCatalog, type SimulatorOptions } from './devices';
import { captureFile } from './devices/ble/gatt-log';
import type { SerialPortEntry } from './devices/serial';
import type { Engine, EngineListener, EngineOptions } from './engine-api';
import { recordCompanions } from './formats/wfdb';
import { JobRunner } from './jobs';
import { Uploads } from './uploads';
import { PreflightCheck } from './study/preflight';
import { overrideNote, preflightAtRecord, storeSessionPreflight } from './study/session-preflight';
import { stepSummary } from './study/step-summary';
import type { PreflightResult } from '../shared/preflight';
import type { StepSummary } from '../shared/step-summary';
import { ProtocolDriver, ProtocolLibrary, parseProtocol, protocolsDir, recorderStepSink } from './study';
import type { Protocol, ProtocolControl, ProtocolRunState, StoredProtocol } from '../shared/protocol';
import {
  Library,
  Recorder,
  analysisRunBeats,
  checkExportRange,
  deleteAnalysisRun,
  fileNames,
  selectStreams,
  deleteModelRun,
  listModelRuns,
  liveModelRecords,
  modelRunOutputs,
  currentBeats,
  editBeats,
  rangeHrv,
  hasAnalysisRun,
  listAnalysisRuns,
  readTrack,
  resetBeats,
  sessionDetail,
  sessionOrThrow,
  streamOrThrow,
  toSummary,
  listParticipants,
  participantId,
  saveParticipant,
  deleteParticipant,
  setSessionParticipant,
  listStudies,
  saveStudy,
  deleteStudy,
  setSessionStudy,
  studyNamed,
} from './storage';

export type { Engine, EngineOptions } from './engine-api';

export interface EngineInternals {
  /** Options for the embedded simulated board (tests and benchmarks pick its profile and faults). */
  simulator?: Partial<SimulatorOptions>;
  now?: HostClock;
  /** Runs the engine on a virtual clock that the caller steps (`record --fast`); overrides `now`. */
  virtualTime?: VirtualTime;
  /** Serial port listing override (tests). */
  listPorts?: () => Promise<SerialPortEntry[]>;
  /** Reconnect backoff for lost serial links. */
  reconnect?: Partial<ReconnectPolicy>;
  /** The Bluetooth LE central (tests: a fake radio); default: the radio's, through noble loaded on first use. No face exposes it. */
  bleCentral?: GattCentral;
}

const STATUS_INTERVAL_MS = 1000;
/** Up to this many samples, a session without its pyramid or re-timing is finished in place on its first review read (well under a second). */
const FINISH_IN_PLACE_SAMPLES = 5_000_000;

/** Builds the engine every face drives: devices, acquisition, analysis, recorder and library. */
export async function createEngine(options: EngineOptions & EngineInternals): Promise<Engine> {
  return new VitalsEngine(options);
}

class VitalsEngine implements Engine {
  private readonly now: HostClock;
  private readonly library: Library;
  private listenerError: string | undefined;
  private readonly bus = new StreamBus({
    onListenerError: (error) => {
      this.listenerError = error.text;
      this.pushStatus();
    },
  });
  private readonly catalog: DeviceCatalog;
  private readonly devices = new Map<string, BoardConnection | GattConnection | PlaybackDevice>();
  private readonly connecting = new Set<string>();
  private readonly reconnect: Partial<ReconnectPolicy> | undefined;
  private readonly listeners = new Set<EngineListener>();
  private readonly publisher: UiPublisher;
  private readonly analysis: AnalysisHost;
  private readonly statusTimer: NodeJS.Timeout;
  private readonly jobs: JobRunner;
  private recorder: Recorder | null = null;
  /** The streams required before recording (setPreflight), checked at every status. */
  private preflight: PreflightCheck | null = null;
  private readonly protocols: ProtocolLibrary;
  /** The protocol the recording runs, driven here on the session clock (not by a window). */
  private protocolRun: ProtocolDriver | null = null;
  private readonly virtualTime: VirtualTime | undefined;
  private readonly recordQueueBytes: number | undefined;
  private readonly finishInJobs: boolean;
  /** Where the UI's exports go: beside the library, so they are easy to find from either face. */
  private readonly exportsDir: string;
  private readonly models: ModelLibrary;
  private readonly modelUploads: Uploads;
  private readonly importUploadParts: Uploads;
  /** Where files uploaded to import are kept, a folder per upload: beside the library, like the exports. */
  private readonly importsDir: string;

  constructor(options: EngineOptions & EngineInternals) {
    this.now = options.virtualTime?.now ?? options.now ?? hostNow;
    this.virtualTime = options.virtualTime;
    this.protocols = new ProtocolLibrary(protocolsDir(options.dbPath));
    this.exportsDir = options.dbPath === ':memory:' ? join(tmpdir(), 'vitalscope-exports') : join(dirname(options.dbPath), 'exports');
    this.models = new ModelLibrary(modelsDir(options.dbPath));
    const beside = options.dbPath === ':memory:' ? join(tmpdir(), 'vitalscope') : dirname(options.dbPath);
    this.importsDir = join(beside, 'imports');
    const uploadsDir = join(beside, 'uploads');
    this.modelUploads = new Uploads({ dir: uploadsDir, maxBytes: MODEL_IMPORT_MAX_BYTES, what: 'model' });
    this.importUploadParts = new Uploads({ dir: uploadsDir, maxBytes: SESSION_FILE_UPLOAD_MAX_BYTES, what: 'session file' });
    this.library = new Library(options.dbPath, { nativeBinding: options.nativeBinding, durable: options.durable });
    this.recordQueueBytes = options.recordQueueBytes;
    this.finishInJobs = options.finishSessionsInJobs !== false;
    this.jobs = new JobRunner({ dbPath: options.dbPath, nativeBinding: options.nativeBinding, background: true, onChange: () => this.pushStatus() });
    this.catalog = new DeviceCatalog({
      simulator: options.simulator,
      now: this.now,
      listPorts: options.listPorts,
      bleCentral: options.bleCentral,
      virtualTime: options.virtualTime,
      sessions: () => this.library.sessions().filter((s) => s.status !== 'recording' && s.streams.some((st) => !st.derivedFrom)),
    });
    this.reconnect = options.reconnect;
    this.publisher = new UiPublisher(this.bus, (frame) => this.emitFrame(frame), this.now);
    this.analysis = new AnalysisHost(this.bus, this.now, () => this.pushStatus());
    this.statusTimer = setInterval(() => this.pushStatus(), STATUS_INTERVAL_MS);
    // What an earlier run left: sessions stopped while their re-timing job ran, imported ones without a pyramid or their beats.
    this.finishSessions();
    this.detectPendingBeats();
  }

  async listDevices(): Promise<DeviceEntry[]> {
    const entries = await this.catalog.list();
    return entries.map((e) => ({ ...e, connected: this.devices.has(e.id) }));
  }

  async connect(deviceId: string, options: ConnectOptions = {}): Promise<void> {
    if (this.devices.has(deviceId)) return;
    if (this.connecting.has(deviceId)) throw new Error(`${deviceId} is already being connected`);
    this.connecting.add(deviceId);
    try {
      const device = playbackSessionId(deviceId) === null ? await this.openBoard(deviceId, options) : this.openPlayback(deviceId, options);
      // A BLE device's first connection must succeed for connect to (its setup is awaited); a board's pipe is already open.
      await device.start();
      this.devices.set(deviceId, device);
    } finally {
      this.connecting.delete(deviceId);
    }
    this.pushStatus();
  }

  private async openBoard(deviceId: string, options: ConnectOptions): Promise<BoardConnection | GattConnection> {
    const opened = await this.catalog.open(deviceId, options);
    if ('gatt' in opened) {
      const { open, reconnects } = opened.gatt;
      return new GattConnection({ id: deviceId, label: opened.label, transport: opened.transport, open, reconnects, bus: this.bus, now: this.now, reconnect: this.reconnect, onChange: () => this.pushStatus() });
    }
    return new BoardConnection({
      id: deviceId,
      label: opened.label,
      transport: opened.transport,
      pipe: opened.pipe,
      reopen: opened.reopen,
      port: opened.port,
      // The embedded simulator speaks VBP; serial boards are detected unless the user says.
      protocol: opened.transport === 'sim' ? 'vbp' : (options.protocol ?? 'auto'),
      rate: options.rate,
      gain: options.gain,
      sync: opened.transport === 'sim' ? false : undefined,
      reconnect: this.reconnect,
      bus: this.bus,
      now: this.now,
      onChange: () => this.pushStatus(),
    });
  }

  /** A recorded session as a device, replayed through the same bus at `options.speed` x real time. */
  private openPlayback(deviceId: string, options: ConnectOptions): PlaybackDevice {
    const sessionId = playbackSessionId(deviceId)!;
    if (this.recorder?.state.sessionId === sessionId) throw new Error(`session ${sessionId} is being recorded: stop it before playing it back`);
    const speed = options.speed ?? MIN_SPEED;
    if (!(speed >= MIN_SPEED && speed <= MAX_SPEED)) throw new Error(`playback speed must be from ${MIN_SPEED} to ${MAX_SPEED}, got ${speed}`);
    const session = sessionOrThrow(this.library, sessionId);
    const { duration } = sessionDetail(this.library, sessionId);
    return new PlaybackDevice({ id: deviceId, library: this.library, session, duration, speed, bus: this.bus, now: this.now, onChange: () => this.pushStatus() });
  }

  async bleState(): Promise<BleAdapterState> {
    return this.catalog.ble.state();
  }

  async scanBle(seconds: number): Promise<BleScanResult[]> {
    if (!(seconds > 0 && seconds <= 60)) throw new Error(`a Bluetooth scan lasts from 0 to 60 s, got ${seconds}`);
    return this.catalog.ble.scan(seconds);
  }

  async captureGatt(deviceId: string, file: string | null): Promise<string | null> {
    const device = this.devices.get(deviceId);
    if (!(device instanceof GattConnection)) throw new Error(`${deviceId} is not a connected Bluetooth LE device: only those have a GATT log to capture`);
    return device.setCapture(file === null ? null : captureFile(file, this.exportsDir, deviceId));
  }

  async getRaw(deviceId: string): Promise<RawView> {
    const device = this.devices.get(deviceId);
    if (!device) throw new Error(`${deviceId} is not connected`);
    return device.raw();
  }

  async exportSession(sessionId: number, { format, range = {}, streams }: ExportRequest): Promise<JobState> {
    checkExportRange(range);
    if (this.recorder?.state.sessionId === sessionId) throw new Error(`session ${sessionId} is still recording: stop it first`);
    const session = this.library.session(sessionId);
    if (!session) throw new Error(`no session ${sessionId} in ${this.library.path}`);
    // An unknown stream is refused here, before a job starts (the job checks again).
    const chosen = streams ? selectStreams(session, streams) : null;
    const kind = format === 'csv' ? 'export-csv' : format === 'wfdb' ? 'export-wfdb' : format === 'parquet' ? 'export-parquet' : 'export-edf';
    const running = this.jobs.list().find((j) => j.kind === kind && j.sessionId === sessionId && j.state === 'running');
    if (running) throw new Error(`session ${sessionId} is already being exported (job ${running.id})`);
    const ranged = range.from !== undefined || range.to !== undefined;
    // A range or a choice of streams goes to its own folder or file, so it never replaces the whole session's export.
    const span = `${ranged ? `-${range.from ?? 'start'}-${range.to ?? 'end'}s` : ''}${chosen ? `-${fileNames(chosen).join('+').slice(0, 60)}` : ''}`;
    const what = [ranged ? `${range.from ?? 'start'} to ${range.to ?? 'end'} s` : '', chosen ? `${chosen.length} of ${session.streams.length} streams` : ''].filter(Boolean).join(', ');
    const title = `${EXPORT_FORMATS[format].label} export of session ${sessionId}${what ? ` (${what})` : ''}`;
    const params = { sessionId, ...(ranged ? { range } : {}), ...(streams ? { streams } : {}) };
    if (format === 'wfdb') return this.jobs.start({ kind: 'export-wfdb', title, sessionId, params: { ...params, dir: join(this.exportsDir, `session-${sessionId}${span}-wfdb`) } });
    if (format === 'parquet') {
      const { sessionId: _, ...rest } = params;
      return this.jobs.start({ kind: 'export-parquet', title, sessionId, params: { ...rest, sessionIds: [sessionId], dir: join(this.exportsDir, `session-${sessionId}${span}-parquet`) } });
    }
    if (format !== 'csv') return this.jobs.start({ kind: 'export-edf', title, sessionId, params: { ...params, file: join(this.exportsDir, `session-${sessionId}${span}.${format}`), format } });
    return this.jobs.start({ kind: 'export-csv', title, sessionId, params: { ...params, dir: join(this.exportsDir, `session-${sessionId}${span}-csv`) } });
  }

  async renameSession(sessionId: number, name: string): Promise<SessionSummary> {
    this.library.renameSession(sessionId, name);
    return toSummary(sessionOrThrow(this.library, sessionId));
  }

  async setSessionTags(sessionId: number, tags: string[]): Promise<SessionSummary> {
    this.library.setSessionTags(sessionId, tags);
    return toSummary(sessionOrThrow(this.library, sessionId));
  }

  async deleteSession(sessionId: number): Promise<void> {
    if (this.recorder?.state.sessionId === sessionId) throw new Error(`session ${sessionId} is being recorded: stop the recording before deleting it`);
    // A job reading it would end with part of it: it finishes (or is cancelled) first.
    const job = this.jobs.list().find((j) => j.sessionId === sessionId && j.state === 'running');
    if (job) throw new Error(`session ${sessionId} is in use by "${job.title}" (job ${job.id}): cancel it or let it finish first`);
    this.library.deleteSession(sessionId);
  }

  async exportSessionFile(sessionId: number): Promise<JobState> {
    const session = sessionOrThrow(this.library, sessionId);
    if (session.status === 'recording') throw new Error(`session ${sessionId} is still recording: stop it first`);
    const running = this.jobs.list().find((j) => j.kind === 'export-session-file' && j.sessionId === sessionId && j.state === 'running');
    if (running) throw new Error(`session ${sessionId} is already being exported as a file (job ${running.id})`);
    const file = join(this.exportsDir, `session-${sessionId}.db`);
    return this.jobs.start({ kind: 'export-session-file', title: `SQLite export of session ${sessionId}`, sessionId, params: { sessionId, file, replace: true } });
  }

  async importSessionFile(path: string): Promise<JobState> {
    const file = resolve(path.trim());
    if (!existsSync(file)) throw new Error(`there is no file ${file} on the engine's machine`);
    const job = this.jobs.start({ kind: 'import-session-file', title: `import of ${file}`, sessionId: 0, params: { file } });
    // The session reviews once imported; the detector's beats follow in a job of their own.
    // (Not when the engine closed meanwhile: a later start picks the session up.)
    void this.jobs.wait(job.id).then((ended) => {
      if (ended.state === 'done' && this.library.db.open) this.detectPendingBeats();
    });
    return job;
  }

  async buildDataset(request: DatasetRequest): Promise<JobState> {
    // No folder given (the UI): a new one beside the exports, named by the time.
    const out = request.out.trim() ? resolve(request.out.trim()) : join(dirname(this.exportsDir), 'datasets', `dataset-${new Date().toISOString().replace(/[:.]/g, '-')}`);
    if (this.jobs.list().some((j) => j.kind === 'dataset' && j.state === 'running' && j.title === `dataset ${out}`)) throw new Error(`a dataset is already being built in ${out}`);
    return this.jobs.start({ kind: 'dataset', title: `dataset ${out}`, sessionId: 0, params: { request: { ...request, out } } });
  }

  async cancelJob(jobId: number): Promise<void> {
    this.jobs.cancel(jobId);
  }

  async getSessionDetail(sessionId: number): Promise<SessionDetail> {
    return sessionDetail(this.library, sessionId);
  }

  async readTrack(sessionId: number, streamKey: string, t0: number, t1: number, columns: number): Promise<TrackData> {
    const [unfinished] = this.library.unfinishedSessions(sessionId);
    if (unfinished && unfinished.samples > FINISH_IN_PLACE_SAMPLES) {
      this.finishSessions();
      throw new Error(`session ${sessionId} is being re-timed and its overview built (a background job, see its progress): its tracks are drawn when that is done`);
    }
    // A short session is finished in place: a fraction of a second.
    if (unfinished) this.library.finishSession(sessionId);
    return readTrack(this.library, sessionId, streamKey, t0, t1, columns);
  }

  /** Starts a job for every closed session whose re-timing or pyramid is still to do and has none running. */
  private finishSessions(): void {
    if (!this.finishInJobs) return;
    const running = new Set(this.jobs.list().flatMap((j) => (j.kind === 'finish-session' && j.state === 'running' ? [j.sessionId] : [])));
    for (const { id } of this.library.unfinishedSessions()) {
      if (!running.has(id)) this.jobs.start({ kind: 'finish-session', title: `Re-timing and overview of session ${id}`, sessionId: id, params: { sessionId: id } });
    }
  }

  /** Starts the detector's job for every imported session waiting for its beats that has none running. */
  private detectPendingBeats(): void {
    if (!this.finishInJobs) return;
    const running = new Set(this.jobs.list().flatMap((j) => (j.kind === 'detect-beats' && j.state === 'running' ? [j.sessionId] : [])));
    for (const { sessionId } of pendingBeatDetections(this.library)) {
      if (!running.has(sessionId)) this.jobs.start({ kind: 'detect-beats', title: `Beat detection of session ${sessionId}`, sessionId, params: { sessionId } });
    }
  }

  async getBeats(sessionId: number, streamKey: string): Promise<BeatSeries> {
    return currentBeats(this.library, sessionId, streamKey);
  }

  async editBeats(sessionId: number, streamKey: string, edits: BeatEdit[]): Promise<BeatSeries> {
    return editBeats(this.library, sessionId, streamKey, edits);
  }

  async resetBeats(sessionId: number, streamKey: string): Promise<BeatSeries> {
    return resetBeats(this.library, sessionId, streamKey);
  }

  async getHrv(sessionId: number, streamKey: string, t0: number, t1: number): Promise<HrvSummary> {
    return rangeHrv(this.library, sessionId, streamKey, t0, t1);
  }

  async addLabel(sessionId: number, label: NewLabel): Promise<number> {
    const session = sessionOrThrow(this.library, sessionId);
    const streamId = label.key ? streamOrThrow(session, label.key).id : null;
    return this.library.addLabel(sessionId, streamId, session.startedAt + label.t, label.duration, label.text);
  }

  async updateLabel(sessionId: number, labelId: number, label: NewLabel): Promise<void> {
    const session = sessionOrThrow(this.library, sessionId);
    const streamId = label.key ? streamOrThrow(session, label.key).id : null;
    this.library.updateLabel(sessionId, labelId, streamId, session.startedAt + label.t, label.duration, label.text);
  }

  async deleteLabel(sessionId: number, labelId: number): Promise<void> {
    this.library.deleteLabel(sessionId, labelId);
  }

  async reanalyzeSession(sessionId: number, options: ReanalysisOptions): Promise<JobState> {
    sessionOrThrow(this.library, sessionId);
    if (this.recorder?.state.sessionId === sessionId) throw new Error(`session ${sessionId} is still recording: stop it first`);
    const name = options.name.trim();
    const running = this.jobs.list().some((j) => j.kind === 'reanalyze' && j.sessionId === sessionId && j.state === 'running' && j.title.endsWith(`"${name}"`));
    if (running || hasAnalysisRun(this.library, sessionId, name)) throw new Error(`session ${sessionId} already has an analysis run named "${name}": pick another name or delete it`);
    return this.jobs.start({ kind: 'reanalyze', title: `Re-analysis of session ${sessionId} "${name}"`, sessionId, params: { sessionId, options: { ...options, name } } });
  }

  async listAnalysisRuns(sessionId: number): Promise<AnalysisRunSummary[]> {
    sessionOrThrow(this.library, sessionId);
    return listAnalysisRuns(this.library, sessionId);
  }

  async getAnalysisRunBeats(sessionId: number, runId: number): Promise<AnalysisRunBeats> {
    return analysisRunBeats(this.library, sessionId, runId);
  }

  async deleteAnalysisRun(sessionId: number, runId: number): Promise<void> {
    deleteAnalysisRun(this.library, sessionId, runId);
  }

  settle(): Promise<void> {
    return this.analysis.settle();
  }

  async getPsd(streamKey: string, channel: number, seconds: number): Promise<PsdResult> {
    return this.analysis.psd(streamKey, channel, seconds);
  }

  inspectModel(path: string): Promise<ModelInfo> {
    return this.analysis.inspectModel(path);
  }

  attachModel(path: string, streamKey: string): Promise<ModelState> {
    return this.analysis.attachModel(path, streamKey);
  }

  async detachModel(modelId: string): Promise<void> {
    this.analysis.detachModel(modelId);
  }

  async listModels(): Promise<ModelEntry[]> {
    return this.models.list();
  }

  async uploadModelPart(uploadId: string, offset: number, base64: string): Promise<number> {
    return this.modelUploads.append(uploadId, offset, base64);
  }

  async importModel({ uploadId, fileName, manifest }: { uploadId: string; fileName: string; manifest: string | null }): Promise<ModelEntry> {
    const onnx = this.modelUploads.take(uploadId);
    // Checked in the analysis worker, as it would run: this thread reads the devices.
    return this.models.import({ fileName, onnx, manifest }, (file) => this.analysis.inspectModel(file));
  }

  async uploadImportPart(uploadId: string, offset: number, base64: string): Promise<number> {
    return this.importUploadParts.append(uploadId, offset, base64);
  }

  async importUploads(files: { uploadId: string; fileName: string }[]): Promise<UploadedImport[]> {
    const names = files.map((f) => basename(f.fileName));
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice) throw new Error(`${twice} is among the files twice: import one of them at a time`);
    // A folder per upload: a record's files stay together, and nothing imported earlier is replaced.
    const dir = join(this.importsDir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${Math.random().toString(36).slice(2, 8)}`);
    mkdirSync(dir, { recursive: true });
    files.forEach((f, i) => this.importUploadParts.moveTo(f.uploadId, join(dir, names[i])));
    const companions = recordCompanions(names);
    const results: UploadedImport[] = [];
    for (const name of names) {
      const path = join(dir, name);
      const partOf = companions.get(name);
      if (partOf) results.push({ fileName: name, path, partOf });
      else results.push(await this.importSessionFile(path).then((job) => ({ fileName: name, path, job }), (e: Error) => ({ fileName: name, path, error: e.message })));
    }
    return results;
  }

  async removeModel(modelId: string): Promise<void> {
    const model = this.models.list().find((m) => m.id === modelId);
    if (model && this.analysis.state.models?.some((m) => m.file === model.file && !m.error)) throw new Error(`${model.name} is attached to a stream: detach it first`);
    this.models.remove(modelId);
  }

  async evaluateModel(modelPath: string, inputs: string[]): Promise<JobState> {
    const model = resolve(modelPath.trim());
    if (!existsSync(model)) throw new Error(`there is no model ${model} on the engine's machine`);
    const given = inputs.map((i) => (/^\d+$/.test(i.trim()) ? i.trim() : resolve(i.trim())));
    const id = `evaluation-${Date.now()}`;
    return this.jobs.start({ kind: 'evaluate', title: `evaluation of ${basename(model)} on ${given.length} input${given.length === 1 ? '' : 's'}`, sessionId: 0, params: { modelPath: model, inputs: given, dir: this.evaluationsDir, id } });
  }

  async listEvaluations(): Promise<EvaluationListing> {
    return { bundledModel: bundledModelPath(), sessions: classifiedSessions(this.library), reports: listEvaluations(this.evaluationsDir) };
  }

  async getEvaluation(id: string): Promise<StoredEvaluation> {
    return readEvaluation(this.evaluationsDir, id);
  }

  async openRecordSession(path: string): Promise<{ sessionId: number } | { job: JobState }> {
    const file = resolve(path.trim());
    const sessionId = importedRecordSession(this.library, file);
    if (sessionId !== null) return { sessionId };
    const running = this.jobs.list().find((j) => j.kind === 'import-session-file' && j.state === 'running' && j.title === `import of ${file}`);
    return { job: running ?? (await this.importSessionFile(file)) };
  }

  private get evaluationsDir(): string {
    return join(this.exportsDir, 'evaluations');
  }

  async getBundledModel(): Promise<string | null> {
    return bundledModelPath();
  }

  async runModelOnSession(sessionId: number, modelPath: string, name?: string | null): Promise<JobState> {
    if (this.recorder?.state.sessionId === sessionId) throw new Error(`session ${sessionId} is still recording: stop it first`);
    const run = checkModelRun(this.library, sessionId, modelPath, name ?? undefined);
    const running = this.jobs.list().some((j) => j.kind === 'infer-session' && j.sessionId === sessionId && j.state === 'running' && j.title.endsWith(`"${run.name}"`));
    if (running) throw new Error(`session ${sessionId} already has a model run named "${run.name}" under way: pick another name`);
    const params = { sessionId, file: run.file, name: run.name };
    return this.jobs.start({ kind: 'infer-session', title: `Model ${run.manifest.name} over session ${sessionId} "${run.name}"`, sessionId, params });
  }

  async listModelRuns(sessionId: number): Promise<ModelRunSummary[]> {
    sessionOrThrow(this.library, sessionId);
    return listModelRuns(this.library, sessionId);
  }

  async getModelRunOutputs(sessionId: number, runId: number): Promise<ModelRunOutputs> {
    return modelRunOutputs(this.library, sessionId, runId);
  }

  async deleteModelRun(sessionId: number, runId: number): Promise<void> {
    deleteModelRun(this.library, sessionId, runId);
  }

  async getAgreementSources(sessionId: number): Promise<AgreementSource[]> {
    return agreementSources(this.library, sessionId);
  }

  /** Inline, not a job: a day at 1 Hz, lag search included, takes ~0.15 s (see estimateLag). */
  async getAgreement(sessionId: number, request: AgreementRequest): Promise<AgreementResult> {
    return sessionAgreement(this.library, sessionId, request);
  }

  async listLiveModelRecords(sessionId: number): Promise<LiveModelRecord[]> {
    return liveModelRecords(this.library, sessionId);
  }

  async listParticipants(): Promise<ParticipantEntry[]> {
    return listParticipants(this.library);
  }

  async saveParticipant(participant: Participant): Promise<ParticipantEntry> {
    return saveParticipant(this.library, participant);
  }

  async deleteParticipant(id: string, unlink = false): Promise<void> {
    deleteParticipant(this.library, id, unlink);
  }

  async listStudies(): Promise<StudyEntry[]> {
    return listStudies(this.library);
  }

  async saveStudy(study: StudyInput): Promise<StudyEntry> {
    return saveStudy(this.library, study);
  }

  async deleteStudy(studyId: number, unlink = false): Promise<void> {
    deleteStudy(this.library, studyId, unlink);
  }

  async setSessionStudy(sessionId: number, study: string): Promise<SessionSummary> {
    setSessionStudy(this.library, sessionId, study);
    return toSummary(sessionOrThrow(this.library, sessionId));
  }

  async setSessionParticipant(sessionId: number, participant: string): Promise<SessionSummary> {
    setSessionParticipant(this.library, sessionId, participant);
    return toSummary(sessionOrThrow(this.library, sessionId));
  }

  async disconnect(deviceId: string): Promise<void> {
    const device = this.devices.get(deviceId);
    if (!device) return;
    this.devices.delete(deviceId);
    await device.close();
    this.pushStatus();
  }

  async getStatus(): Promise<EngineStatus> {
    return this.status();
  }

  async setPreflight(required: string[]): Promise<PreflightResult | null> {
    this.preflight = required.length > 0 ? new PreflightCheck(required) : null;
    this.pushStatus();
    return this.observePreflight() ?? null;
  }

  async getPreflight(): Promise<PreflightResult | null> {
    return this.observePreflight() ?? null;
  }

  private observePreflight(): PreflightResult | undefined {
    return this.preflight?.observe({ now: this.now(), streams: this.bus.streams, devices: [...this.devices.values()].map((d) => d.stats()), numerics: this.analysis.state.numerics });
  }

  async getStepSummary(sessionId: number): Promise<StepSummary> {
    return stepSummary(this.library, sessionId);
  }

  async startRecording({ name, participant, study = '', preflightOverride, protocol: given, openEnded }: RecordOptions): Promise<number> {
    if (this.recorder) throw new Error(`already recording session ${this.recorder.state.sessionId}; stop it first`);
    if (this.devices.size === 0) throw new Error('no device is connected: connect one before recording');
    // A bad participant ID or an unknown study is refused before a session exists.
    const participantKey = participantId(participant);
    studyNamed(this.library, study);
    const preflight = preflightAtRecord(this.observePreflight() ?? null, preflightOverride);
    const protocol = given ? parseProtocol(given, 'protocol') : null;
    this.recorder = new Recorder(
      {
        library: this.library,
        bus: this.bus,
        now: this.now,
        describeDevice: (id) => {
          const stats = this.devices.get(id)?.stats();
          return { key: id, label: stats?.label ?? id, transport: stats?.transport ?? 'sim', descriptor: this.devices.get(id)?.descriptorJson() ?? {} };
        },
        onError: () => this.pushStatus(),
        queueBudgetBytes: this.recordQueueBytes,
        retimeOnClose: !this.finishInJobs,
      },
      name.trim() || `Session ${new Date().toLocaleString()}`,
      participantKey,
    );
    if (study.trim()) setSessionStudy(this.library, this.recorder.state.sessionId, study);
    if (preflight) {
      storeSessionPreflight(this.library, this.recorder.state.sessionId, preflight);
      if (preflight.override) this.recorder.addNote(overrideNote(preflight.override));
    }
    if (protocol) this.protocolRun = this.runProtocol(this.recorder, protocol, !openEnded);
    this.pushStatus();
    return this.recorder.state.sessionId;
  }

  private runProtocol(recorder: Recorder, protocol: Protocol, endsRecording: boolean): ProtocolDriver {
    const failed = (error: unknown) => {
      this.listenerError = `protocol "${protocol.name}": ${(error as Error).message}`;
      this.pushStatus();
    };
    return new ProtocolDriver({
      protocol,
      endsRecording,
      start: recorder.state.startedAt,
      now: this.now,
      virtualTime: this.virtualTime,
      sink: recorderStepSink(recorder, failed),
      onChange: () => this.pushStatus(),
      onFinished: () => {
        if (endsRecording && this.recorder === recorder) this.stopRecording().catch(failed);
      },
    });
  }

  async controlProtocol(command: ProtocolControl): Promise<ProtocolRunState> {
    if (!this.protocolRun) throw new Error('no protocol is running: pick one before Record');
    return this.protocolRun.control(command);
  }

  async listProtocols(): Promise<StoredProtocol[]> {
    return this.protocols.list();
  }

  async saveProtocol(protocol: Protocol, previousName?: string | null): Promise<StoredProtocol> {
    return this.protocols.save(protocol, previousName ?? undefined);
  }

  async deleteProtocol(name: string): Promise<void> {
    this.protocols.remove(name);
  }

  async importProtocol(text: string, fileName: string, replace?: boolean | null): Promise<StoredProtocol> {
    return this.protocols.import(text, fileName, replace ?? false);
  }

  async stopRecording(): Promise<SessionSummary | null> {
    const recorder = this.recorder;
    if (!recorder) return null;
    this.protocolRun?.stop();
    this.protocolRun = null;
    recorder.stop();
    this.recorder = null;
    this.finishSessions();
    this.pushStatus();
    return toSummary(this.library.session(recorder.state.sessionId)!);
  }

  async listSessions(): Promise<SessionSummary[]> {
    return this.library.sessions().map(toSummary);
  }

  async addMarker(text: string): Promise<number> {
    if (!this.recorder) throw new Error('not recording: markers belong to a session');
    return this.recorder.addMarker(text.trim() || 'marker');
  }

  subscribe(listener: EngineListener): () => void {
    this.listeners.add(listener);
    listener.status?.(this.status());
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    clearInterval(this.statusTimer);
    this.publisher.close();
    await this.jobs.close();
    // A recording whose end cannot be written still lets everything else close; the error says what was lost.
    const failure = this.recorder ? await this.stopRecording().then(() => null, (error: unknown) => error) : null;
    await Promise.all([...this.devices.keys()].map((id) => this.disconnect(id)));
    await this.analysis.close();
    this.library.close();
    if (failure) throw failure;
  }

  private status(): EngineStatus {
    const recording = this.recorder ? this.recorder.state : null;
    return {
      devices: [...this.devices.values()].map((d) => d.stats()),
      streams: this.bus.streams,
      recording,
      protocol: this.protocolRun?.state() ?? null,
      analysis: this.analysis.state,
      listenerError: this.listenerError,
      jobs: this.jobs.list(),
      ...(this.preflight ? { preflight: this.observePreflight() } : {}),
    };
  }

  private pushStatus(): void {
    if (this.listeners.size === 0) return;
    const status = this.status();
    for (const l of this.listeners) l.status?.(status);
  }

  private emitFrame(frame: LiveFrame): void {
    for (const l of this.listeners) l.frame?.(frame);
  }
}

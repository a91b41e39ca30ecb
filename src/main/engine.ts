import type { LiveFrame, RecordOptions } from '../shared/api';
import type { DeviceEntry, EngineStatus, SessionSummary } from '../shared/types';
import { StreamBus, UiPublisher, VbpDevice, hostNow, type HostClock } from './acquisition';
import { DeviceCatalog, type SimulatorOptions } from './devices';
import type { Engine, EngineListener, EngineOptions } from './engine-api';
import { Library, Recorder, toSummary } from './storage';

export type { Engine, EngineOptions } from './engine-api';

export interface EngineInternals {
  /** Options for the embedded simulated board (tests and benchmarks pick its profile and faults). */
  simulator?: Partial<SimulatorOptions>;
  now?: HostClock;
}

const STATUS_INTERVAL_MS = 1000;

/** Builds the engine every face drives: devices, acquisition, recorder and library. */
export async function createEngine(options: EngineOptions & EngineInternals): Promise<Engine> {
  return new VitalsEngine(options);
}

class VitalsEngine implements Engine {
  private readonly now: HostClock;
  private readonly library: Library;
  private readonly bus = new StreamBus();
  private readonly catalog: DeviceCatalog;
  private readonly devices = new Map<string, VbpDevice>();
  private readonly listeners = new Set<EngineListener>();
  private readonly publisher: UiPublisher;
  private readonly statusTimer: NodeJS.Timeout;
  private recorder: Recorder | null = null;

  constructor(options: EngineOptions & EngineInternals) {
    this.now = options.now ?? hostNow;
    this.library = new Library(options.dbPath, { nativeBinding: options.nativeBinding });
    this.catalog = new DeviceCatalog({ simulator: options.simulator, now: this.now });
    this.publisher = new UiPublisher(this.bus, (frame) => this.emitFrame(frame));
    this.statusTimer = setInterval(() => this.pushStatus(), STATUS_INTERVAL_MS);
  }

  async listDevices(): Promise<DeviceEntry[]> {
    const entries = await this.catalog.list();
    return entries.map((e) => ({ ...e, connected: this.devices.has(e.id) }));
  }

  async connect(deviceId: string): Promise<void> {
    if (this.devices.has(deviceId)) return;
    const opened = await this.catalog.open(deviceId);
    const device = new VbpDevice({ id: deviceId, label: opened.label, transport: opened.transport, pipe: opened.pipe, bus: this.bus, now: this.now });
    this.devices.set(deviceId, device);
    device.start();
    this.pushStatus();
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

  async startRecording({ name, participant }: RecordOptions): Promise<number> {
    if (this.recorder) throw new Error(`already recording session ${this.recorder.state.sessionId}; stop it first`);
    if (this.devices.size === 0) throw new Error('no device is connected: connect one before recording');
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
      },
      name.trim() || `Session ${new Date().toLocaleString()}`,
      participant.trim(),
    );
    this.pushStatus();
    return this.recorder.state.sessionId;
  }

  async stopRecording(): Promise<SessionSummary | null> {
    const recorder = this.recorder;
    if (!recorder) return null;
    recorder.stop();
    this.recorder = null;
    this.pushStatus();
    return toSummary(this.library.session(recorder.state.sessionId)!);
  }

  async listSessions(): Promise<SessionSummary[]> {
    return this.library.sessions().map(toSummary);
  }

  async addMarker(text: string): Promise<void> {
    if (!this.recorder) throw new Error('not recording: markers belong to a session');
    this.recorder.addMarker(text.trim() || 'marker');
  }

  subscribe(listener: EngineListener): () => void {
    this.listeners.add(listener);
    listener.status?.(this.status());
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    clearInterval(this.statusTimer);
    this.publisher.close();
    if (this.recorder) await this.stopRecording();
    await Promise.all([...this.devices.keys()].map((id) => this.disconnect(id)));
    this.library.close();
  }

  private status(): EngineStatus {
    const recording = this.recorder ? { ...this.recorder.state, error: this.recorder.error?.message } : null;
    return { devices: [...this.devices.values()].map((d) => d.stats()), streams: this.bus.streams, recording };
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

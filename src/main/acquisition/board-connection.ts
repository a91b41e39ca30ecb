import type { BoardProtocol, DeviceStats, ProtocolChoice, RawView, TransportKind } from '../../shared/types';
import type { ByteTransport } from '../devices/transport';
import { ProtocolDetector } from '../protocols/detect';
import { PacketType, encodeCommand } from '../protocols/vbp';
import type { DeviceDescriptor } from '../protocols/vbp';
import { CYTON_START } from '../protocols/openbci-cyton';
import { CytonDevice } from './cyton-device';
import type { HostClock } from './host-clock';
import { DEFAULT_RECONNECT, LinkRetry, type ReconnectPolicy } from './link-retry';
import type { StreamBus } from './stream-bus';
import { TextDevice } from './text-device';
import { VbpDevice, type SyncOptions } from './vbp-device';


export interface BoardConnectionOptions {
  id: string;
  label: string;
  transport: TransportKind;
  pipe: ByteTransport;
  /** Reopens the link after it was lost (same board, same port); absent: no reconnect. */
  reopen?: () => Promise<ByteTransport>;
  protocol?: ProtocolChoice;
  /** Text lines: the sample rate given by the user. */
  rate?: number;
  /** OpenBCI Cyton: the PGA gain its channels are set to (default 24). */
  gain?: number;
  port?: { path: string; baud: number };
  bus: StreamBus;
  now: HostClock;
  reconnect?: Partial<ReconnectPolicy>;
  /** SYNC round trips for VBP boards (default on; false: arrival times only). */
  sync?: Partial<SyncOptions> | false;
  /** Called when the connection's state changes (for prompt status pushes). */
  onChange?(): void;
}

const RAW_BYTES = 1024;
const RAW_LINES = 50;

/**
 * One connected board: owns its byte pipe, detects the protocol from the first bytes (unless told),
 * feeds the VBP or text device, keeps the last bytes and lines for the raw view, and when the
 * link is lost (unplugged) reopens it with backoff, recording the downtime as one gap event while
 * the session goes on.
 */
export class BoardConnection {
  readonly id: string;
  private pipe: ByteTransport | null;
  private device: VbpDevice | TextDevice | CytonDevice | null = null;
  private detector: ProtocolDetector | null = null;
  private pending: { bytes: Uint8Array; arrival: number }[] = [];
  private readonly rawRing = new Uint8Array(RAW_BYTES);
  private rawLength = 0;
  private bytesReceived = 0;
  private lines: string[] = [];
  private partialLine = '';
  private readonly text = new TextDecoder('utf-8');
  private state: DeviceStats['state'] = 'connecting';
  private error: string | undefined;
  private closed = false;
  private reconnects = 0;
  private lostAt = 0;
  private readonly retry: LinkRetry;

  constructor(private readonly options: BoardConnectionOptions) {
    this.id = options.id;
    this.pipe = options.pipe;
    this.retry = new LinkRetry(
      { ...DEFAULT_RECONNECT, ...options.reconnect },
      () => this.reopen(),
      (message) => (this.error = message),
    );
  }

  start(): void {
    const choice = this.options.protocol ?? 'auto';
    if (choice === 'auto') {
      this.detector = new ProtocolDetector();
      this.probe();
    } else this.useProtocol(choice);
    this.wire(this.pipe!);
  }

  get protocol(): BoardProtocol | undefined {
    if (this.device instanceof CytonDevice) return 'openbci-cyton';
    return this.device instanceof VbpDevice ? 'vbp' : this.device instanceof TextDevice ? 'text' : undefined;
  }

  /**
   * While detecting: a VBP board may wait for START before it says anything, a Cyton for `b`. The
   * VBP commands hold no Cyton command letter; the `b` goes last, closed by a 0x00 so a VBP board
   * drops it as one bad frame. A text board ignores all of it.
   */
  private probe(): void {
    this.write(encodeCommand(PacketType.DESCRIBE));
    this.write(encodeCommand(PacketType.START));
    this.write(Uint8Array.of(CYTON_START, 0));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.retry.stop();
    this.device?.detach();
    const pipe = this.pipe;
    this.pipe = null;
    this.state = 'disconnected';
    await pipe?.close();
  }

  descriptorJson(): DeviceDescriptor | Record<string, unknown> | null {
    if (this.device instanceof VbpDevice) return this.device.descriptorJson();
    if (this.device instanceof TextDevice) return { protocol: 'text', port: this.options.port ?? null };
    if (this.device instanceof CytonDevice) return { protocol: 'openbci-cyton', port: this.options.port ?? null };
    return null;
  }

  stats(): DeviceStats {
    const base: DeviceStats = this.device
      ? this.device.stats()
      : {
          deviceId: this.id,
          label: this.options.label,
          transport: this.options.transport,
          state: 'connecting',
          clockOffsetMs: 0,
          driftPpm: 0,
          decodeErrors: { crc: 0, cobs: 0, oversize: 0, malformed: 0 },
          streams: [],
        };
    const overrides: Partial<DeviceStats> = {
      label: this.options.label,
      protocol: this.protocol,
      port: this.options.port,
      reconnects: this.reconnects,
      bytesReceived: this.bytesReceived,
    };
    // Lost, reopening or closed overrides what the device says; otherwise the device knows best (HELLO seen or not).
    if (this.state === 'reconnecting' || this.state === 'error' || this.state === 'disconnected') overrides.state = this.state;
    if (this.state === 'reconnecting') overrides.reconnectAttempt = this.retry.attempt;
    if (this.error) overrides.error = this.error;
    if (this.device instanceof VbpDevice) Object.assign(overrides, this.device.clockStats());
    return { ...base, ...overrides };
  }

  raw(): RawView {
    const start = this.rawLength > RAW_BYTES ? this.rawLength % RAW_BYTES : 0;
    const count = Math.min(this.rawLength, RAW_BYTES);
    const hex: string[] = [];
    for (let i = 0; i < count; i++) hex.push(this.rawRing[(start + i) % RAW_BYTES].toString(16).padStart(2, '0'));
    const lines = this.binary ? [] : [...this.lines];
    if (this.device instanceof TextDevice) lines.push(...this.device.recentErrors.map((e) => `! ${e}`));
    return { deviceId: this.id, protocol: this.protocol, bytesReceived: this.bytesReceived, hex: hex.join(' '), lines };
  }

  /** VBP and Cyton bytes are binary: the raw view shows them as hex, never as lines. */
  private get binary(): boolean {
    return this.protocol === 'vbp' || this.protocol === 'openbci-cyton';
  }

  /** `detected`: found by the detector, after the probe already asked the board to stream. */
  private useProtocol(protocol: BoardProtocol, detected = false): void {
    const { id, label, transport, bus, now } = this.options;
    if (protocol === 'vbp') {
      const device = new VbpDevice({ id, label, transport, bus, now, pipe: { write: (b) => this.write(b) }, sync: this.options.sync ?? {} });
      this.device = device;
      device.begin();
    } else if (protocol === 'openbci-cyton') {
      const device = new CytonDevice({ id, label, transport, bus, now, pipe: { write: (b) => this.write(b) }, gain: this.options.gain });
      this.device = device;
      // Detected: it is streaming already (the probe's `b`).
      if (!detected) device.begin();
    } else {
      this.device = new TextDevice({ id, label, transport, bus, now, rate: this.options.rate });
    }
  }

  private write(bytes: Uint8Array): void {
    try {
      this.pipe?.write(bytes);
    } catch {
      // A one-way link or one being reopened: nothing to do, the board streams on its own.
    }
  }

  private wire(pipe: ByteTransport): void {
    pipe.onData((bytes) => {
      if (pipe !== this.pipe) return;
      this.onBytes(bytes, this.options.now());
    });
    pipe.onClose((error) => {
      if (pipe !== this.pipe) return;
      this.onLost(error);
    });
  }

  private onBytes(bytes: Uint8Array, arrival: number): void {
    this.keepRaw(bytes);
    if (this.state === 'connecting') this.state = 'streaming';
    if (this.device) {
      this.device.receive(bytes, arrival);
      return;
    }
    this.pending.push({ bytes: bytes.slice(), arrival });
    const found = this.detector!.push(bytes);
    if (!found) return;
    this.detector = null;
    this.useProtocol(found, true);
    const pending = this.pending;
    this.pending = [];
    for (const p of pending) this.device!.receive(p.bytes, p.arrival);
    this.options.onChange?.();
  }

  private keepRaw(bytes: Uint8Array): void {
    this.bytesReceived += bytes.length;
    const from = Math.max(0, bytes.length - RAW_BYTES);
    for (let i = from; i < bytes.length; i++) this.rawRing[this.rawLength++ % RAW_BYTES] = bytes[i];
    if (this.binary) return;
    const text = this.partialLine + this.text.decode(bytes, { stream: true });
    const parts = text.split('\n');
    this.partialLine = parts.pop()!.slice(-200);
    for (const line of parts) this.lines.push(line.replace(/\r$/, '').slice(0, 200));
    if (this.lines.length > RAW_LINES) this.lines = this.lines.slice(-RAW_LINES);
  }

  private onLost(error?: Error): void {
    if (this.closed) return;
    this.pipe = null;
    if (!error || !this.options.reopen) {
      this.state = error ? 'error' : 'disconnected';
      this.error = error?.message;
      this.options.onChange?.();
      return;
    }
    this.lostAt = this.options.now();
    this.state = 'reconnecting';
    this.error = `${error.message}: reconnecting`;
    this.retry.start();
    this.options.onChange?.();
  }

  /** One reconnect try: the board's link back, or an error (LinkRetry tries again). */
  private async reopen(): Promise<void> {
    const pipe = await this.options.reopen!();
    if (this.closed) {
      await pipe.close();
      return;
    }
    this.pipe = pipe;
    this.reconnects++;
    this.state = 'streaming';
    this.error = undefined;
    this.wire(pipe);
    const restoredAt = this.options.now();
    if (this.device) this.device.linkRestored(this.lostAt, restoredAt, this.retry.attempt);
    else if (this.detector) this.probe();
    this.options.onChange?.();
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { SimulatedBoard, type SimulatorOptions } from '../../src/main/devices/simulator/board';

/**
 * A socat pty pair with stable symlinks (`<dir>/<name>-board`, `<dir>/<name>-host`), so a test can
 * "unplug" the board (kill socat) and "plug it back" at the same host path.
 */
export class PtyLink {
  readonly boardPath: string;
  readonly hostPath: string;
  private socat: ChildProcess | null = null;

  constructor(
    private readonly socatPath: string,
    dir: string,
    name: string,
  ) {
    this.boardPath = `${dir}/${name}-board`;
    this.hostPath = `${dir}/${name}-host`;
  }

  async up(): Promise<void> {
    const socat = spawn(this.socatPath, ['-d', '-d', `pty,raw,echo=0,link=${this.boardPath}`, `pty,raw,echo=0,link=${this.hostPath}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.socat = socat;
    await new Promise<void>((resolve, reject) => {
      let log = '';
      const timer = setTimeout(() => reject(new Error(`socat did not start: ${log}`)), 5000);
      socat.once('exit', (code) => reject(new Error(`socat exited (${code}): ${log}`)));
      socat.stderr!.on('data', (d: Buffer) => {
        log += d.toString();
        if (/starting data transfer loop/.test(log) && existsSync(this.boardPath) && existsSync(this.hostPath)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
  }

  /** Kills socat: both ptys vanish, as when a USB board is unplugged. */
  async down(): Promise<void> {
    const socat = this.socat;
    this.socat = null;
    if (!socat || socat.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => socat.once('exit', () => resolve()));
    socat.kill();
    await exited;
  }
}

export async function openRawPort(path: string): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: 921600, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  port.on('error', () => undefined);
  return port;
}

export function closeRawPort(port: SerialPort): Promise<void> {
  return new Promise((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve()));
}

/**
 * A simulated board driven by the real clock on the board end of a PtyLink (like `vitalscope
 * simulate --pty`), answering host commands at once. `unplug`/`plug` close and reopen its end;
 * the board keeps running meanwhile (its packets are lost, as with a cable pulled).
 */
export class RealTimeBoard {
  readonly board: SimulatedBoard;
  private port: SerialPort | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly started = performance.now();
  bytesWritten = 0;

  constructor(
    readonly link: PtyLink,
    options: Partial<SimulatorOptions>,
  ) {
    this.board = new SimulatedBoard(options);
  }

  private t(): number {
    return (performance.now() - this.started) / 1000;
  }

  async plug(): Promise<void> {
    const port = await openRawPort(this.link.boardPath);
    this.port = port;
    port.on('data', (bytes: Buffer) => {
      this.board.receive(bytes, this.t());
      this.flush();
    });
    this.timer ??= setInterval(() => this.flush(), 10);
  }

  async unplug(): Promise<void> {
    const port = this.port;
    this.port = null;
    if (port) await closeRawPort(port);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.unplug();
  }

  private flush(): void {
    const bytes = this.board.advance(this.t());
    if (bytes.length && this.port?.isOpen) {
      this.bytesWritten += bytes.length;
      this.port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    }
  }
}

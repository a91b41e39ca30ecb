import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import type { ByteTransport } from '../transport';

export const DEFAULT_BAUD = 115200;

/** How often an open port's path is checked, ms (see `watch`). */
const PRESENCE_CHECK_MS = 500;

/**
 * A serial port (USB CDC/UART, or any pseudo-terminal path) as a byte pipe. Open with
 * `openSerialPort`, which turns the OS's errors into messages that say what to do.
 */
export class SerialTransport implements ByteTransport {
  readonly label: string;
  private dataListener: ((bytes: Uint8Array) => void) | null = null;
  private closeListener: ((error?: Error) => void) | null = null;
  private early: Uint8Array[] = [];
  private closing = false;
  private closedError: Error | undefined | null = null;
  private readonly watch: NodeJS.Timeout;

  constructor(
    private readonly port: SerialPort,
    readonly path: string,
  ) {
    this.label = path;
    port.on('data', (bytes: Buffer) => {
      const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (this.dataListener) this.dataListener(view);
      else this.early.push(view);
    });
    // Write errors on a vanishing port surface as the close that follows; never an unhandled 'error'.
    port.on('error', () => undefined);
    port.on('close', (error?: Error & { disconnected?: boolean }) => this.ended(this.closing ? undefined : vanished(path, error)));
    // The port's own close event on an unplug does not always come (seen with ptys under load):
    // a device node that is gone means the board is gone, whatever the port says.
    this.watch = setInterval(() => {
      if (this.closing || this.closedError !== null || existsSync(path)) return;
      this.ended(vanished(path));
      this.closing = true;
      if (this.port.isOpen) this.port.close(() => undefined);
    }, PRESENCE_CHECK_MS);
    this.watch.unref();
  }

  /** Reports the end of the link once: `error` when it was lost rather than closed by us. */
  private ended(error: Error | undefined): void {
    clearInterval(this.watch);
    if (this.closedError !== null) return;
    this.closedError = error;
    this.closeListener?.(error);
    this.closeListener = null;
  }

  write(bytes: Uint8Array): void {
    if (!this.port.isOpen || this.closing) return;
    this.port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  onData(listener: (bytes: Uint8Array) => void): void {
    this.dataListener = listener;
    const early = this.early;
    this.early = [];
    for (const b of early) listener(b);
  }

  onClose(listener: (error?: Error) => void): void {
    if (this.closedError !== null) listener(this.closedError);
    else this.closeListener = listener;
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (!this.port.isOpen) {
      this.ended(undefined);
      return;
    }
    await new Promise<void>((resolve) => this.port.close(() => resolve()));
  }
}

function vanished(path: string, error?: Error): Error {
  return new Error(`${path} vanished (unplugged or reset)${error && !/disconnected|bad file descriptor/i.test(error.message) ? `: ${error.message}` : ''}`);
}

/** Opens a serial port by path (ptys work too, though they are never listed). */
export async function openSerialPort(path: string, baudRate = DEFAULT_BAUD): Promise<SerialTransport> {
  const port = new SerialPort({ path, baudRate, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(serialOpenError(path, error)) : resolve())));
  return new SerialTransport(port, path);
}

/** The OS's open failure as a one-line message that says how to fix it. */
export function serialOpenError(path: string, error: Error): Error {
  const m = error.message;
  if (/permission denied|EACCES/i.test(m)) {
    return new Error(
      `permission denied opening ${path}: on Linux add your user to the dialout group (sudo usermod -aG dialout $USER, then log out and in; some distributions use uucp), or check the port's udev rules`,
    );
  }
  if (/busy|EBUSY|cannot lock|temporarily unavailable/i.test(m)) {
    return new Error(`${path} is busy: another program has it open (a serial monitor, screen/minicom, the Arduino IDE, ModemManager, another Vitalscope); close it and retry`);
  }
  if (/no such file|ENOENT|not found/i.test(m)) {
    return new Error(`${path} does not exist: the board is unplugged or the path is wrong (vitalscope devices lists the ports)`);
  }
  if (/baud/i.test(m)) return new Error(`${path}: the port refused the baud rate: ${m}`);
  return new Error(`cannot open ${path}: ${m}`);
}

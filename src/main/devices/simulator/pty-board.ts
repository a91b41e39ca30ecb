import { spawn, type ChildProcess } from 'node:child_process';
import { SerialPort } from 'serialport';
import { SimulatedBoard, type SimulatorOptions } from './board';

export interface PtyBoard {
  /** The pty a host opens as if it were the board's USB serial port. */
  path: string;
  board: SimulatedBoard;
  /** Resolves when the board stops (after `seconds`, or on close()). */
  done: Promise<void>;
  close(): Promise<void>;
}

const TICK_MS = 10;

/**
 * Runs a simulated board on one end of a socat pseudo-terminal pair, so anything that opens
 * serial ports (this app, a terminal, another tool) can talk to it without hardware.
 */
export async function startPtyBoard(options: Partial<SimulatorOptions>, seconds = Infinity): Promise<PtyBoard> {
  const { socat, boardPath, hostPath } = await openPtyPair();
  const board = new SimulatedBoard(options);
  const port = new SerialPort({ path: boardPath, baudRate: 921600 });
  await new Promise<void>((resolve, reject) => port.once('open', resolve).once('error', reject));
  const started = performance.now();
  // Answer commands at once, as firmware would: SYNC replies carry the clock at arrival.
  port.on('data', (bytes: Buffer) => {
    const t = Math.min((performance.now() - started) / 1000, seconds);
    board.receive(bytes, t);
    const reply = board.advance(t);
    if (reply.length && port.isOpen) port.write(Buffer.from(reply.buffer, reply.byteOffset, reply.byteLength));
  });
  port.on('error', () => undefined); // a host closing its end is normal; close() ends the board
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const close = async () => {
    clearInterval(timer);
    if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    socat.kill();
    finish();
  };
  const timer = setInterval(() => {
    const t = (performance.now() - started) / 1000;
    const bytes = board.advance(Math.min(t, seconds));
    if (bytes.length) port.write(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    if (t >= seconds) void new Promise<void>((resolve) => port.drain(() => resolve())).then(close);
  }, TICK_MS);
  return { path: hostPath, board, done, close };
}

/** Starts `socat` with two raw ptys and reads their paths from its log. */
export async function openPtyPair(): Promise<{ socat: ChildProcess; boardPath: string; hostPath: string }> {
  const socat = spawn('socat', ['-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    const paths: string[] = [];
    let log = '';
    socat.once('error', (error: NodeJS.ErrnoException) =>
      reject(new Error(error.code === 'ENOENT' ? 'socat is not installed: install it (Debian/Ubuntu: apt-get install socat; macOS: brew install socat)' : error.message)),
    );
    socat.once('exit', (code) => reject(new Error(`socat exited (${code}) before opening ptys: ${log.trim()}`)));
    socat.stderr!.on('data', (data: Buffer) => {
      log += data.toString();
      for (const m of log.matchAll(/PTY is (\S+)/g)) if (!paths.includes(m[1])) paths.push(m[1]);
      if (paths.length === 2 && /starting data transfer loop/.test(log)) resolve({ socat, boardPath: paths[0], hostPath: paths[1] });
    });
  });
}

import type { VirtualTime } from '../../acquisition/virtual-time';
import { startTicking } from '../ticker';
import type { ByteTransport } from '../transport';
import { SimulatedBoard, type SimulatorOptions } from './board';

export { TICK_MS } from '../ticker';

/**
 * The embedded simulated board as a byte pipe: a timer advances the board to the current host
 * time and delivers its VBP bytes, exactly as a serial port would.
 */
export class SimTransport implements ByteTransport {
  readonly label = 'Simulated board';
  readonly board: SimulatedBoard;
  private dataListener: ((bytes: Uint8Array) => void) | null = null;
  private closeListener: ((error?: Error) => void) | null = null;
  /** Host time of the board's power-up: its true time 0, and its heart's (the simulated strap shares it). */
  readonly startedAt: number;
  private stop: (() => void) | null = null;

  /** `steps`: deliver at each step of a virtual clock instead of on a timer (runs faster than real time). */
  constructor(
    options: Partial<SimulatorOptions>,
    private readonly now: () => number,
    private readonly steps?: VirtualTime,
  ) {
    this.board = new SimulatedBoard(options);
    this.startedAt = now();
  }

  write(bytes: Uint8Array): void {
    this.board.receive(bytes);
  }

  onData(listener: (bytes: Uint8Array) => void): void {
    this.dataListener = listener;
    this.stop ??= startTicking(() => this.tick(), this.steps);
  }

  onClose(listener: (error?: Error) => void): void {
    this.closeListener = listener;
  }

  async close(): Promise<void> {
    this.stop?.();
    this.stop = null;
    this.closeListener?.();
  }

  private tick(): void {
    const bytes = this.board.advance(this.now() - this.startedAt);
    if (bytes.length > 0) this.dataListener?.(bytes);
  }
}

import type { VirtualTime } from '../../acquisition/virtual-time';
import type { ByteTransport } from '../transport';
import { SimulatedBoard, type SimulatorOptions } from './board';

/** How often the embedded board hands over its bytes, ms: like a USB CDC poll interval. */
export const TICK_MS = 10;

/**
 * The embedded simulated board as a byte pipe: a timer advances the board to the current host
 * time and delivers its VBP bytes, exactly as a serial port would.
 */
export class SimTransport implements ByteTransport {
  readonly label = 'Simulated board';
  readonly board: SimulatedBoard;
  private timer: NodeJS.Timeout | null = null;
  private dataListener: ((bytes: Uint8Array) => void) | null = null;
  private closeListener: ((error?: Error) => void) | null = null;
  private readonly startedAt: number;
  private unstep: (() => void) | null = null;

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
    if (this.steps) this.unstep ??= this.steps.onStep(() => this.tick());
    else this.timer ??= setInterval(() => this.tick(), TICK_MS);
  }

  onClose(listener: (error?: Error) => void): void {
    this.closeListener = listener;
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unstep?.();
    this.unstep = null;
    this.closeListener?.();
  }

  private tick(): void {
    const bytes = this.board.advance(this.now() - this.startedAt);
    if (bytes.length > 0) this.dataListener?.(bytes);
  }
}

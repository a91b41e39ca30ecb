/**
 * Reopening a lost link with backoff, shared by serial boards (BoardConnection) and Bluetooth LE
 * devices (GattConnection): the first try after `minDelayMs`, each failure doubling the wait up to
 * `maxDelayMs`, until the link is back or the connection is closed.
 */

export interface ReconnectPolicy {
  /** First retry delay, ms; doubles after each failed attempt up to maxDelayMs. */
  minDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RECONNECT: ReconnectPolicy = { minDelayMs: 200, maxDelayMs: 2000 };

export class LinkRetry {
  /** Tries since the link was lost (shown while reconnecting). */
  attempt = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  /**
   * @param reopen one try: resolves once the link is back, rejects when it is not
   * @param failed a try failed: the message for the device stats
   */
  constructor(
    private readonly policy: ReconnectPolicy,
    private readonly reopen: () => Promise<void>,
    private readonly failed: (message: string) => void,
  ) {}

  /** The link was lost: starts trying again. */
  start(): void {
    this.attempt = 0;
    this.schedule(this.policy.minDelayMs);
  }

  /** No more tries (the connection is closing). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(delay: number): void {
    this.timer = setTimeout(() => void this.retry(delay), delay);
  }

  private async retry(delay: number): Promise<void> {
    this.timer = null;
    if (this.stopped) return;
    this.attempt++;
    try {
      await this.reopen();
    } catch (error) {
      if (this.stopped) return;
      this.failed(`${(error as Error).message} (reconnecting, attempt ${this.attempt})`);
      this.schedule(Math.min(this.policy.maxDelayMs, delay * 2));
    }
  }
}

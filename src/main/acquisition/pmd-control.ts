import { type PmdControlResponse, type PmdSettings } from '../protocols/polar-pmd';

/** How long a command waits for its control-point response (a Polar device answers in well under a second). */
export const PMD_COMMAND_TIMEOUT_MS = 5000;

interface Pending {
  what: string;
  op: number;
  type: number;
  /** Responses so far of a multi-part answer (the `more` flag). */
  parts: PmdControlResponse[];
  resolve(response: PmdControlResponse): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * The PMD control point, one command at a time (the Polar SDK's rule: a second write before the
 * first's response is refused or lost). `send` writes a command and resolves with its response,
 * after every part of a multi-part one; it rejects naming the command when the write fails, no
 * response comes in time, or the link is lost meanwhile. Responses reach it through `answer`.
 */
export class PmdControlPoint {
  private pending: Pending | null = null;

  constructor(
    private readonly write: (bytes: Uint8Array) => Promise<void>,
    private readonly timeoutMs = PMD_COMMAND_TIMEOUT_MS,
  ) {}

  /** `what` names the command in errors ("start ECG"). */
  send(what: string, op: number, type: number, bytes: Uint8Array): Promise<PmdControlResponse> {
    if (this.pending) return Promise.reject(new Error(`${what}: "${this.pending.what}" is still waiting for its response`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new Error(`${what}: no response from the PMD control point in ${this.timeoutMs / 1000} s`)), this.timeoutMs);
      // Pending before the write: the indication can overtake the write's own acknowledgement.
      this.pending = { what, op, type, parts: [], resolve, reject, timer };
      this.write(bytes).catch((error: Error) => this.fail(new Error(`${what}: ${error.message}`)));
    });
  }

  /** A decoded control-point response; one that answers no pending command is ignored here. */
  answer(response: PmdControlResponse): void {
    const p = this.pending;
    if (!p || response.opCode !== p.op || (response.measurementType & 0x3f) !== p.type) return;
    p.parts.push(response);
    if (response.more) return;
    clearTimeout(p.timer);
    this.pending = null;
    p.resolve(p.parts.length === 1 ? response : { ...response, settings: mergeSettings(p.parts) });
  }

  /** The link is gone: the command waiting fails with `reason`. */
  cancel(reason: string): void {
    if (this.pending) this.fail(new Error(`${this.pending.what}: ${reason}`));
  }

  private fail(error: Error): void {
    const p = this.pending;
    if (!p) return;
    clearTimeout(p.timer);
    this.pending = null;
    p.reject(error);
  }
}

/** The settings of a multi-part answer, part after part. */
function mergeSettings(parts: PmdControlResponse[]): PmdSettings {
  const merged: PmdSettings = { sampleRate: [], resolution: [], range: [], channels: [] };
  for (const { settings } of parts) {
    if (!settings) continue;
    merged.sampleRate.push(...settings.sampleRate);
    merged.resolution.push(...settings.resolution);
    merged.range.push(...settings.range);
    merged.channels.push(...settings.channels);
    if (settings.factor !== undefined) merged.factor = settings.factor;
  }
  return merged;
}

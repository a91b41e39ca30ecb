/**
 * The protocol runner's state machine: which step runs, when it ends (its planned length, plus
 * extensions, plus the time it was paused), and the step events it writes. It keeps no timers and
 * reads no clock: whoever drives it passes the session clock's time to every call, so it runs the
 * same on real time, on virtual time and in tests.
 */
import type { Protocol, ProtocolControl, ProtocolRunState } from '../../shared/protocol';

/** Where the runner's step events go (the recorder, in the engine). Times are host times, s. */
export interface StepSink {
  /** A step began at `t`: written at once with duration 0 ("until the next step"), so a crash keeps it. */
  stepStarted(name: string, t: number): void;
  /** The step that began at `t` ended after `duration` s (pauses and extensions included). */
  stepEnded(name: string, t: number, duration: number): void;
}

export class ProtocolRunner {
  private index = 0;
  private stepStart: number;
  /** When the current step ends unless paused, skipped or extended. */
  private plannedEnd: number;
  private pausedAt: number | null = null;
  /** Seconds the current step was paused, pauses ended so far. */
  private pausedTotal = 0;

  constructor(
    private readonly protocol: Protocol,
    start: number,
    private readonly sink: StepSink,
    readonly endsRecording = true,
  ) {
    this.stepStart = start;
    this.plannedEnd = start + protocol.steps[0].duration_s;
    sink.stepStarted(protocol.steps[0].name, start);
  }

  get done(): boolean {
    return this.index >= this.protocol.steps.length;
  }

  /** Host time of the next boundary, or null while paused or once done. */
  nextBoundary(): number | null {
    return this.done || this.pausedAt !== null ? null : this.plannedEnd;
  }

  /** Ends every step whose time has come by `now`, each at its own planned end. Returns whether a step ended. */
  advance(now: number): boolean {
    let ended = false;
    while (!this.done && this.pausedAt === null && now >= this.plannedEnd) {
      this.endStep(this.plannedEnd);
      ended = true;
    }
    return ended;
  }

  control(command: ProtocolControl, now: number): void {
    this.advance(now);
    if (this.done) throw new Error('the protocol has ended');
    switch (command.action) {
      case 'pause':
        this.pausedAt ??= now;
        return;
      case 'resume':
        if (this.pausedAt === null) return;
        this.plannedEnd += now - this.pausedAt;
        this.pausedTotal += now - this.pausedAt;
        this.pausedAt = null;
        return;
      case 'skip':
        this.endStep(now);
        return;
      case 'extend':
        if (!(command.seconds > 0)) throw new Error(`a step is extended by a positive number of seconds, not ${command.seconds}`);
        this.plannedEnd += command.seconds;
        return;
    }
  }

  /** The recording stopped at `now`: the current step ends there. */
  stop(now: number): void {
    this.advance(now);
    if (!this.done) {
      this.sink.stepEnded(this.protocol.steps[this.index].name, this.stepStart, now - this.stepStart);
      this.index = this.protocol.steps.length;
    }
  }

  state(now: number): ProtocolRunState {
    const { steps } = this.protocol;
    const current = this.done ? null : steps[this.index];
    const clock = this.pausedAt ?? now;
    return {
      protocol: this.protocol.name,
      steps: steps.map((s) => ({ name: s.name, duration_s: s.duration_s })),
      index: this.index,
      step: current?.name ?? '',
      instructions: current?.instructions ?? '',
      elapsed_s: current ? clock - this.stepStart - this.pausedTotal : 0,
      remaining_s: current ? Math.max(0, this.plannedEnd - clock) : 0,
      paused: this.pausedAt !== null,
      next: this.index + 1 < steps.length ? steps[this.index + 1].name : null,
      done: this.done,
      endsRecording: this.endsRecording,
      at: now,
    };
  }

  private endStep(at: number): void {
    const step = this.protocol.steps[this.index];
    this.sink.stepEnded(step.name, this.stepStart, at - this.stepStart);
    this.index += 1;
    this.pausedAt = null;
    this.pausedTotal = 0;
    if (this.done) return;
    this.stepStart = at;
    this.plannedEnd = at + this.protocol.steps[this.index].duration_s;
    this.sink.stepStarted(this.protocol.steps[this.index].name, at);
  }
}

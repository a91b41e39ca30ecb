/**
 * Runs a ProtocolRunner on the engine's session clock: a timer for each step boundary on real
 * time, every clock step on virtual time (`record --fast`). The engine owns it, so a closed window
 * never stops a protocol.
 */
import type { Protocol, ProtocolControl, ProtocolRunState } from '../../shared/protocol';
import type { HostClock } from '../acquisition';
import type { VirtualTime } from '../acquisition/virtual-time';
import type { Recorder } from '../storage';
import { ProtocolRunner, type StepSink } from './protocol-runner';

export interface ProtocolDriverOptions {
  protocol: Protocol;
  /** Host time the first step starts (the recording's start). */
  start: number;
  /** false: the recording goes on once the protocol ends (started open-ended). */
  endsRecording: boolean;
  sink: StepSink;
  now: HostClock;
  virtualTime?: VirtualTime;
  /** A step began or ended, or the runner was paused, resumed or extended. */
  onChange(): void;
  /** The last step ended. */
  onFinished(): void;
}

export class ProtocolDriver {
  private readonly runner: ProtocolRunner;
  private timer: NodeJS.Timeout | undefined;
  private readonly offStep: (() => void) | undefined;
  private finished = false;

  constructor(private readonly options: ProtocolDriverOptions) {
    this.runner = new ProtocolRunner(options.protocol, options.start, options.sink, options.endsRecording);
    this.offStep = options.virtualTime?.onStep(() => this.tick());
    this.arm();
  }

  get endsRecording(): boolean {
    return this.options.endsRecording;
  }

  state(): ProtocolRunState {
    return this.runner.state(this.options.now());
  }

  control(command: ProtocolControl): ProtocolRunState {
    this.runner.control(command, this.options.now());
    this.changed();
    return this.state();
  }

  /** The recording stopped: the current step ends now and nothing more is scheduled. */
  stop(): void {
    this.close();
    this.runner.stop(this.options.now());
  }

  close(): void {
    clearTimeout(this.timer);
    this.offStep?.();
  }

  private tick(): void {
    if (this.runner.advance(this.options.now())) this.changed();
    else this.arm();
  }

  private changed(): void {
    this.arm();
    this.options.onChange();
    if (this.runner.done && !this.finished) {
      this.finished = true;
      this.close();
      this.options.onFinished();
    }
  }

  private arm(): void {
    clearTimeout(this.timer);
    const boundary = this.runner.nextBoundary();
    if (this.options.virtualTime || boundary === null) return;
    this.timer = setTimeout(() => this.tick(), Math.max(0, (boundary - this.options.now()) * 1000));
  }
}

/** Step events into a recording; a failed duration update leaves duration 0 ("until the next step"), and says so. */
export function recorderStepSink(recorder: Pick<Recorder, 'addStep' | 'setStepDuration'>, onError: (error: unknown) => void): StepSink {
  return {
    stepStarted: (name, t) => recorder.addStep(name, t),
    stepEnded: (_name, t, duration) => {
      try {
        recorder.setStepDuration(t, duration);
      } catch (error) {
        onError(error);
      }
    },
  };
}

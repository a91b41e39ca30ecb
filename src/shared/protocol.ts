/** Study protocols and the runner's state, as the engine, the faces and the renderer see them. No Node, no DOM. */

export interface ProtocolStep {
  name: string;
  /** Planned length, seconds (> 0). */
  duration_s: number;
  /** What the participant or the experimenter does during the step (may be empty). */
  instructions: string;
}

/** A protocol as stored in the library (`<library dir>/protocols/<name>.json`) and exchanged as a JSON file. */
export interface Protocol {
  name: string;
  steps: ProtocolStep[];
}

/** A file of the library's protocols folder: its protocol, or why it cannot be read. */
export interface StoredProtocol {
  /** The protocol's name (the file's name without `.json` when the file is unreadable). */
  name: string;
  file: string;
  protocol: Protocol | null;
  error?: string;
}

/** Seconds the runner's "+30 s" adds to the current step. */
export const PROTOCOL_EXTEND_S = 30;

/** What the runner can be told while it runs. */
export type ProtocolControl = { action: 'pause' } | { action: 'resume' } | { action: 'skip' } | { action: 'extend'; seconds: number };

/** The runner's state, pushed with the engine's status while a recording runs a protocol. */
export interface ProtocolRunState {
  protocol: string;
  steps: { name: string; duration_s: number }[];
  /** The current step's index; `steps.length` once the protocol is done. */
  index: number;
  /** The current step's name and instructions (empty once done). */
  step: string;
  instructions: string;
  /** Seconds the current step has run (pauses excluded) and has left, at host time `at`. */
  elapsed_s: number;
  remaining_s: number;
  paused: boolean;
  /** The next step's name, null at the last step. */
  next: string | null;
  done: boolean;
  /** Whether the recording stops when the protocol ends (false: started open-ended). */
  endsRecording: boolean;
  /** Host time of this state, seconds since the Unix epoch. */
  at: number;
}

/** A protocol as its JSON file holds it (what export writes and import reads). */
export function protocolJson(protocol: Protocol): string {
  return JSON.stringify({ name: protocol.name, steps: protocol.steps.map(({ name, duration_s, instructions }) => ({ name, duration_s, instructions })) }, null, 2) + '\n';
}

/** The planned length of a protocol, seconds. */
export function protocolSeconds(protocol: Protocol): number {
  return protocol.steps.reduce((sum, s) => sum + s.duration_s, 0);
}

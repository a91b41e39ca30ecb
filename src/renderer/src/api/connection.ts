/** State of the link to the engine, for transports that can lose it (the WebSocket face). */
export type ConnectionState =
  | { kind: 'connecting' }
  | { kind: 'open' }
  /** Lost; a new attempt starts at retryAt (ms since the epoch). */
  | { kind: 'disconnected'; reason: string; retryAt: number }
  | { kind: 'closed'; reason: string };

export type ConnectionListener = (state: ConnectionState) => void;

export interface ConnectionSource {
  /** Subscribe to connection changes; the listener is called at once with the current state. */
  onConnection(listener: ConnectionListener): () => void;
  /** Skip the backoff wait and try now (no-op while connected or connecting). */
  reconnectNow(): void;
}

/** A command failed because the link to the engine is down (not because the engine refused it). */
export class EngineLinkError extends Error {
  override name = 'EngineLinkError';
}

export function isEngineLinkError(e: unknown): boolean {
  return e instanceof EngineLinkError;
}

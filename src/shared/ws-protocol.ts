import type { VitalsCommand } from './api';
import type { EngineStatus } from './types';

/**
 * Messages of the web face's WebSocket. Text messages are JSON; binary messages are live frames
 * (see frame-codec.ts). The socket URL carries the session token: `/ws?token=...`.
 */
export interface WsRequest {
  /** A safe integer, echoed in the reply. */
  id: number;
  method: VitalsCommand;
  args: unknown[];
}

export type WsServerMessage =
  | { id: number; result: unknown }
  | { id: number; error: string }
  | { event: 'status'; data: EngineStatus };

/** The id of an error reply to a request whose own id could not be read. */
export const WS_UNKNOWN_ID = -1;

/**
 * The largest request the server reads (UTF-8 bytes); larger ones get an error reply. Far above
 * any real request (the longest are a 10 000-character marker or recording name).
 */
export const WS_MAX_REQUEST_BYTES = 256 * 1024;

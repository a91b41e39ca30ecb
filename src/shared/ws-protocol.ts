import type { VitalsCommand } from './api';
import type { EngineStatus } from './types';

/**
 * Messages of the web face's WebSocket. Text messages are JSON; binary messages are live frames
 * (see frame-codec.ts). The socket URL carries the session token: `/ws?token=...`.
 */
export interface WsRequest {
  id: number;
  method: VitalsCommand;
  args: unknown[];
}

export type WsServerMessage =
  | { id: number; result: unknown }
  | { id: number; error: string }
  | { event: 'status'; data: EngineStatus };

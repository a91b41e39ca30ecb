import { z } from 'zod';
import { VITALS_COMMANDS, type VitalsCommand } from '../shared/api';

/**
 * Argument schemas of every renderer command: faces validate what arrives over a socket or IPC
 * before it reaches the engine, so a bad request gets a clear error instead of a deep failure.
 */
const text = z.string().max(10_000);
const ARGS: Record<VitalsCommand, z.ZodType<unknown[]>> = {
  listDevices: z.tuple([]),
  connect: z.tuple([z.string().min(1).max(1000)]),
  disconnect: z.tuple([z.string().min(1).max(1000)]),
  getStatus: z.tuple([]),
  startRecording: z.tuple([z.object({ name: text, participant: text })]),
  stopRecording: z.tuple([]),
  listSessions: z.tuple([]),
  addMarker: z.tuple([text]),
};

export function parseCommand(method: unknown, args: unknown): { method: VitalsCommand; args: unknown[] } {
  if (typeof method !== 'string' || !(VITALS_COMMANDS as readonly string[]).includes(method)) {
    throw new Error(`unknown command ${JSON.stringify(method)}`);
  }
  const command = method as VitalsCommand;
  const parsed = ARGS[command].safeParse(args ?? []);
  if (!parsed.success) throw new Error(`bad arguments for ${command}: ${z.prettifyError(parsed.error)}`);
  return { method: command, args: parsed.data };
}

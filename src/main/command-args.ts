import { z } from 'zod';
import { VITALS_COMMANDS, type VitalsCommand } from '../shared/api';

/**
 * Argument schemas of every renderer command: faces validate what arrives over a socket or IPC
 * before it reaches the engine, so a bad request gets a clear error instead of a deep failure.
 */
const text = z.string().max(10_000);
const ARGS: Record<VitalsCommand, z.ZodType<unknown[]>> = {
  listDevices: z.tuple([]),
  connect: z.union([
    z.tuple([z.string().min(1).max(1000)]),
    z.tuple([
      z.string().min(1).max(1000),
      z
        .strictObject({
          baud: z.number().int().min(50).max(20_000_000).optional(),
          protocol: z.enum(['auto', 'vbp', 'text']).optional(),
          rate: z.number().positive().max(1_000_000).optional(),
        })
        .optional(),
    ]),
  ]),
  disconnect: z.tuple([z.string().min(1).max(1000)]),
  getStatus: z.tuple([]),
  startRecording: z.tuple([z.object({ name: text, participant: text })]),
  stopRecording: z.tuple([]),
  listSessions: z.tuple([]),
  addMarker: z.tuple([text]),
  getRaw: z.tuple([z.string().min(1).max(1000)]),
  exportSession: z.tuple([z.number().int().positive()]),
  cancelJob: z.tuple([z.number().int().positive()]),
  getPsd: z.tuple([z.string().min(1).max(1000), z.number().int().min(0).max(1023), z.number().min(2).max(30)]),
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

import { z } from 'zod';
import { REQUIRED_STREAM } from '../shared/preflight';
import { SESSION_FILE_UPLOAD_MAX_BYTES, UPLOAD_PART_BYTES, VITALS_COMMANDS, type VitalsCommand } from '../shared/api';
import { EXPORT_FORMAT_IDS } from '../shared/export-formats';
import type { Protocol } from '../shared/protocol';
import { MAX_TRACK_COLUMNS } from '../shared/review';
import { WS_UNKNOWN_ID, type WsRequest } from '../shared/ws-protocol';
import { CYTON_GAINS } from '../shared/types';

/**
 * Argument schemas of every renderer command: faces validate what arrives over a socket or IPC
 * before it reaches the engine, so a bad request gets a clear error instead of a deep failure.
 */
const text = z.string().max(10_000);
const sessionId = z.number().int().positive();
const streamKey = z.string().min(1).max(1000);
/** Seconds from a session's start: within ±115 days. */
const seconds = z.number().min(-1e7).max(1e7);
const beatEdit = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('add'), t: seconds }),
  z.strictObject({ op: z.literal('delete'), t: seconds }),
  z.strictObject({ op: z.literal('move'), from: seconds, to: seconds }),
  z.strictObject({ op: z.literal('reject'), t: seconds }),
  z.strictObject({ op: z.literal('unreject'), t: seconds }),
  z.strictObject({ op: z.literal('classify'), t: seconds, class: z.string().min(1).max(3).nullable() }),
]);
const uploadId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - (1 to 64)');
const uploadPart = z
  .string()
  .max(Math.ceil(UPLOAD_PART_BYTES / 3) * 4)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64');
/** A file's own name, no folder: it is written into the library's imports folder. */
const fileName = z
  .string()
  .min(1)
  .max(255)
  .refine((n) => !/[/\\\0]/.test(n) && n !== '.' && n !== '..', 'a file name without a folder');
/** A protocol's shape only: the engine checks its content (and names the step and field at fault). */
const protocolArg = z.object({ name: z.unknown(), steps: z.unknown() }).passthrough() as unknown as z.ZodType<Protocol>;
const newLabel = z.strictObject({ t: seconds, duration: z.number().min(0).max(1e7), text: z.string().min(1).max(200), key: streamKey.optional() });
const ARGS: Record<VitalsCommand, z.ZodType<unknown[]>> = {
  listDevices: z.tuple([]),
  // One tuple with optional options (not a union of two): a bad option is named, not "Invalid input".
  connect: z.tuple([
    z.string().min(1).max(1000),
    z
      .strictObject({
        baud: z.number().int().min(50).max(20_000_000).optional(),
        protocol: z.enum(['auto', 'vbp', 'text', 'openbci-cyton']).optional(),
        rate: z.number().positive().max(1_000_000).optional(),
        speed: z.number().min(1).max(10).optional(),
        gain: z.literal([...CYTON_GAINS], { error: `an OpenBCI Cyton gain is one of ${CYTON_GAINS.join(', ')}` }).optional(),
      })
      .optional(),
  ]),
  disconnect: z.tuple([z.string().min(1).max(1000)]),
  getStatus: z.tuple([]),
  startRecording: z.tuple([z.object({ name: text, participant: text, study: text.optional(), preflightOverride: text.optional(), protocol: protocolArg.optional(), openEnded: z.boolean().optional() })]),
  stopRecording: z.tuple([]),
  listSessions: z.tuple([]),
  addMarker: z.tuple([text]),
  listProtocols: z.tuple([]),
  saveProtocol: z.union([z.tuple([protocolArg]), z.tuple([protocolArg, z.string().max(1000).nullish()])]),
  deleteProtocol: z.tuple([z.string().min(1).max(1000)]),
  importProtocol: z.union([z.tuple([z.string().max(1_000_000), fileName]), z.tuple([z.string().max(1_000_000), fileName, z.boolean().nullish()])]),
  controlProtocol: z.tuple([
    z.discriminatedUnion('action', [
      z.strictObject({ action: z.literal('pause') }),
      z.strictObject({ action: z.literal('resume') }),
      z.strictObject({ action: z.literal('skip') }),
      z.strictObject({ action: z.literal('extend'), seconds: z.number().positive().max(24 * 3600) }),
    ]),
  ]),
  getRaw: z.tuple([z.string().min(1).max(1000)]),
  bleState: z.tuple([]),
  scanBle: z.tuple([z.number().gt(0).max(60)]),
  captureGatt: z.tuple([z.string().min(1).max(1000), z.string().max(4096).nullable()]),
  exportSession: z.tuple([
    sessionId,
    z.strictObject({
      format: z.enum(EXPORT_FORMAT_IDS),
      range: z.strictObject({ from: seconds.optional(), to: seconds.optional() }).optional(),
      streams: z.array(streamKey).min(1).max(1000).optional(),
    }),
  ]),
  renameSession: z.tuple([sessionId, z.string().max(1000)]),
  setSessionTags: z.tuple([sessionId, z.array(z.string().max(1000)).max(1000)]),
  deleteSession: z.tuple([sessionId]),
  exportSessionFile: z.tuple([sessionId]),
  importSessionFile: z.tuple([z.string().min(1).max(4096)]),
  buildDataset: z.tuple([
    z.strictObject({
      out: z.string().max(4096),
      streams: z.array(z.string().min(1).max(1000)).min(1).max(64),
      window: z.number().positive().max(3600),
      step: z.number().positive().max(86400).optional(),
      rate: z.number().positive().max(100_000).optional(),
      sessions: z.array(sessionId).max(100_000).optional(),
      participants: z.array(z.string().max(1000)).max(100_000).optional(),
      labels: z.array(z.enum(['label', 'beat', 'marker', 'step'])).max(4).optional(),
      around: z.enum(['beats', 'markers']).optional(),
      split: z.tuple([z.number().min(0).max(1e6), z.number().min(0).max(1e6), z.number().min(0).max(1e6)]).optional(),
      seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
      workers: z.number().int().min(1).max(64).optional(),
      npy: z.boolean().optional(),
      overwrite: z.boolean().optional(),
    }),
  ]),
  cancelJob: z.tuple([z.number().int().positive()]),
  inspectModel: z.tuple([z.string().min(1).max(4096)]),
  attachModel: z.tuple([z.string().min(1).max(4096), z.string().min(1).max(1000)]),
  detachModel: z.tuple([z.string().min(1).max(100)]),
  listModels: z.tuple([]),
  uploadModelPart: z.tuple([uploadId, z.number().int().min(0).max(200 * 1024 * 1024), uploadPart]),
  uploadImportPart: z.tuple([uploadId, z.number().int().min(0).max(SESSION_FILE_UPLOAD_MAX_BYTES), uploadPart]),
  importUploads: z.tuple([z.array(z.strictObject({ uploadId, fileName })).min(1).max(1000)]),
  importModel: z.tuple([z.strictObject({ uploadId, fileName: z.string().min(1).max(255), manifest: z.string().max(200_000).nullable() })]),
  removeModel: z.tuple([z.string().min(1).max(200)]),
  evaluateModel: z.tuple([z.string().min(1).max(4096), z.array(z.string().min(1).max(4096)).min(1).max(1000)]),
  listEvaluations: z.tuple([]),
  getEvaluation: z.tuple([z.string().min(1).max(100)]),
  openRecordSession: z.tuple([z.string().min(1).max(4096)]),
  getPsd: z.tuple([z.string().min(1).max(1000), z.number().int().min(0).max(1023), z.number().min(2).max(30)]),
  getSessionDetail: z.tuple([sessionId]),
  readTrack: z.tuple([sessionId, streamKey, seconds, seconds, z.number().int().min(1).max(MAX_TRACK_COLUMNS)]),
  getBeats: z.tuple([sessionId, streamKey]),
  editBeats: z.tuple([sessionId, streamKey, z.array(beatEdit).max(100_000)]),
  resetBeats: z.tuple([sessionId, streamKey]),
  getHrv: z.tuple([sessionId, streamKey, seconds, seconds]),
  addLabel: z.tuple([sessionId, newLabel]),
  updateLabel: z.tuple([sessionId, z.number().int().positive(), newLabel]),
  deleteLabel: z.tuple([sessionId, z.number().int().positive()]),
  reanalyzeSession: z.tuple([
    sessionId,
    z.strictObject({
      name: z.string().trim().min(1).max(100),
      ppgPolarity: z.enum(['auto', 'volume', 'intensity']).optional(),
      hrvWindowSec: z.number().min(30).max(3600).optional(),
      hrvStepSec: z.number().min(1).max(3600).optional(),
    }),
  ]),
  listAnalysisRuns: z.tuple([sessionId]),
  getAnalysisRunBeats: z.tuple([sessionId, z.number().int().positive()]),
  deleteAnalysisRun: z.tuple([sessionId, z.number().int().positive()]),
  getBundledModel: z.tuple([]),
  runModelOnSession: z.union([z.tuple([sessionId, z.string().min(1).max(4096)]), z.tuple([sessionId, z.string().min(1).max(4096), z.string().trim().max(100).nullish()])]),
  listModelRuns: z.tuple([sessionId]),
  getModelRunOutputs: z.tuple([sessionId, z.number().int().positive()]),
  deleteModelRun: z.tuple([sessionId, z.number().int().positive()]),
  listLiveModelRecords: z.tuple([sessionId]),
  setPreflight: z.tuple([z.array(z.string().regex(REQUIRED_STREAM, 'a stream kind or name: a-z, 0-9, _ . - (1 to 40)')).max(20)]),
  getPreflight: z.tuple([]),
  getStepSummary: z.tuple([sessionId]),
  listParticipants: z.tuple([]),
  // The engine checks the fields, naming the wrong one (storage/participants.ts, studies.ts).
  saveParticipant: z.tuple([z.looseObject({})]),
  deleteParticipant: z.union([z.tuple([text]), z.tuple([text, z.boolean().optional()])]),
  listStudies: z.tuple([]),
  saveStudy: z.tuple([z.looseObject({})]),
  deleteStudy: z.union([z.tuple([z.number().int().positive()]), z.tuple([z.number().int().positive(), z.boolean().optional()])]),
  setSessionStudy: z.tuple([sessionId, text]),
  setSessionParticipant: z.tuple([sessionId, text]),
  getAgreementSources: z.tuple([sessionId]),
  getAgreement: z.tuple([
    sessionId,
    z.strictObject({
      a: z.string().min(1).max(1000),
      b: z.string().min(1).max(1000),
      byStep: z.boolean().optional(),
      toleranceMs: z.number().min(1).max(10_000).optional(),
      lag: z.number().min(-600).max(600).optional(),
      maxLag: z.number().min(0).max(600).optional(),
    }),
  ]),
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

/** Longest error text sent back: an error about a huge or deep request must not echo it whole. */
const MAX_ERROR_CHARS = 2000;

/** Every request over the web face's socket has this shape; its args are then checked by command. */
const WS_REQUEST = z.strictObject({
  id: z.number().int(),
  method: z.string().max(64),
  args: z.array(z.unknown()),
});
const REQUEST_ID = z.object({ id: z.number().int() });

export type ParsedWsRequest = ({ ok: true } & WsRequest) | { ok: false; id: number; error: string };

/**
 * Reads one text message of the web face: JSON, then the envelope, then the command's arguments.
 * Never throws: anything malformed comes back as an error for the reply, with the request's id
 * when that much of it could be read.
 */
export function parseWsRequest(text: string): ParsedWsRequest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, id: WS_UNKNOWN_ID, error: `request is not JSON: ${(error as Error).message}`.slice(0, MAX_ERROR_CHARS) };
  }
  const recovered = REQUEST_ID.safeParse(json);
  const id = recovered.success ? recovered.data.id : WS_UNKNOWN_ID;
  const envelope = WS_REQUEST.safeParse(json);
  if (!envelope.success) {
    return { ok: false, id, error: `malformed request (expected {id: integer, method: string, args: array}): ${z.prettifyError(envelope.error)}`.slice(0, MAX_ERROR_CHARS) };
  }
  try {
    return { ok: true, id, ...parseCommand(envelope.data.method, envelope.data.args) };
  } catch (error) {
    return { ok: false, id, error: (error as Error).message.slice(0, MAX_ERROR_CHARS) };
  }
}

/**
 * `POST /api/markers` of the web face: stimulus software (PsychoPy and the like) marks the
 * recording with `{"text": "..."}` and the face's token, as `Authorization: Bearer <token>` or
 * `?token=`. Every failure is answered with a status and a message saying what was wrong.
 */
import type { IncomingMessage } from 'node:http';
import type { Engine } from './engine-api';

/** A marker's JSON is a few words; anything past this is refused before it is read whole. */
export const MARKER_MAX_BYTES = 4096;
const MARKER_MAX_CHARS = 200;

export interface MarkerReply {
  status: number;
  body: { t: number; session: number } | { error: string };
}

/** The token a request carries: its bearer header, else its `token` query parameter. */
export function requestToken(req: IncomingMessage, url: URL): string | null {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return bearer ? bearer[1] : url.searchParams.get('token');
}

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let bytes = 0;
    req.on('data', (part: Buffer) => {
      bytes += part.length;
      if (bytes > MARKER_MAX_BYTES) {
        resolve(null);
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      parts.push(part);
    });
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

/** Answers one marker request whose token was already checked. */
export async function postMarker(req: IncomingMessage, engine: Engine): Promise<MarkerReply> {
  const declared = Number(req.headers['content-length'] ?? 0);
  const body = declared > MARKER_MAX_BYTES ? null : await readBody(req);
  if (body === null) return { status: 413, body: { error: `the request body is over ${MARKER_MAX_BYTES} bytes: send {"text": "..."}` } };
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    return { status: 400, body: { error: `the body is not JSON (${(error as Error).message}): send {"text": "..."}` } };
  }
  const text = typeof json === 'object' && json !== null && 'text' in json ? (json as { text: unknown }).text : undefined;
  if (typeof text !== 'string' || !text.trim()) return { status: 400, body: { error: 'the body needs "text", a non-empty string: {"text": "stimulus on"}' } };
  if (text.length > MARKER_MAX_CHARS) return { status: 400, body: { error: `"text" is ${text.length} characters; the most a marker takes is ${MARKER_MAX_CHARS}` } };
  const recording = (await engine.getStatus()).recording;
  if (!recording) return { status: 409, body: { error: 'nothing is recording: start a recording before sending markers' } };
  const t = await engine.addMarker(text.trim());
  return { status: 200, body: { t, session: recording.sessionId } };
}

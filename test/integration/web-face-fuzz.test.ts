// 10^5 random and mutated messages over a real WebSocket to a real engine (SQLite file, the
// simulated board streaming, a recording in progress): the process survives, every message gets
// exactly one reply, and the recording keeps growing and ends cleanly in the library.
//
// The fuzzer never sends a request the server would accept and that legitimately changes the
// engine's state (connect, disconnect, start/stop recording, exports, deletes, edits): those
// would end or replace the recording this test watches, or the library it checks. Only the
// read-only commands and markers pass (an allow-list, so a command added later is held back
// until it is listed). Each generated message is run through the server's own request
// parser and such a request is dropped before sending (`filtered` counts them). Everything else,
// well-formed read-only requests and markers included, is sent. Text frames that are not UTF-8
// and frames past the payload limit end the socket by the WebSocket protocol (1007, 1009), so
// they are not sent here; web-face.test.ts shows the face survives them.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parseWsRequest } from '../../src/main/command-args';
import { Prng } from '../../src/main/devices/simulator/signals/prng';
import { createEngine, type Engine } from '../../src/main/engine';
import { startWebFace, type WebFace } from '../../src/main/server';
import type { VitalsCommand } from '../../src/shared/api';
import { WS_MAX_REQUEST_BYTES } from '../../src/shared/ws-protocol';
import { tempDir } from '../helpers/temp-dir';

const MESSAGES = 100_000;
const BATCH = 1000;
const SEED = 0x5eed_f00d;
const SENT_WHEN_VALID: ReadonlySet<VitalsCommand> = new Set([
  'getStatus',
  'listDevices',
  'listSessions',
  'getRaw',
  'getPsd',
  'addMarker',
  'getSessionDetail',
  'readTrack',
  'getBeats',
  'getHrv',
  'listAnalysisRuns',
  'getAnalysisRunBeats',
  'getPreflight',
  'getStepSummary',
  'listParticipants',
  'listStudies',
  'listProtocols',
  'getAgreementSources',
  'getAgreement',
  'bleState',
]);

const VALID_REQUESTS: Array<{ method: string; args: unknown[] }> = [
  { method: 'getStatus', args: [] },
  { method: 'listDevices', args: [] },
  { method: 'listSessions', args: [] },
  { method: 'getRaw', args: ['sim'] },
  { method: 'getPsd', args: ['sim/ecg', 0, 4] },
  { method: 'addMarker', args: ['fuzz'] },
  { method: 'connect', args: ['sim', { baud: 115200, protocol: 'vbp', rate: 250 }] },
  { method: 'disconnect', args: ['sim'] },
  { method: 'startRecording', args: [{ name: 'again', participant: 'P2' }] },
  { method: 'stopRecording', args: [] },
  { method: 'exportSession', args: [1, { format: 'csv' }] },
  { method: 'getSessionDetail', args: [1] },
  { method: 'readTrack', args: [1, 'sim/ecg', 0, 2, 300] },
  { method: 'getBeats', args: [1, 'sim/ecg'] },
  { method: 'getHrv', args: [1, 'sim/ecg', 0, 10] },
  { method: 'listAnalysisRuns', args: [1] },
  { method: 'getPreflight', args: [] },
  { method: 'getStepSummary', args: [1] },
  { method: 'listParticipants', args: [] },
  { method: 'listStudies', args: [] },
  { method: 'listProtocols', args: [] },
  { method: 'getAgreementSources', args: [1] },
  { method: 'getAgreement', args: [1, { a: 'ecg.metrics', b: 'ppg.metrics', byStep: true }] },
  { method: 'bleState', args: [] },
  { method: 'editBeats', args: [1, 'sim/ecg', [{ op: 'delete', t: 1 }]] },
  { method: 'deleteSession', args: [1] },
  { method: 'addLabel', args: [1, { t: 1, duration: 1, text: 'motion' }] },
];
const STRINGS = ['', 'sim', 'sim/ecg', '\u0000', '𝄞🫀', '\u202e\u200b', '\ud800', 'a'.repeat(10_001), '__proto__', 'constructor', '%s%n', '../../etc/passwd'];
const NUMBERS = [0, -1, 1, 1.5, -0, 2 ** 53, 2 ** 53 + 2, -(2 ** 63), 1e308, -1e308, 5e-324, 1023, 1024, 30, 31];

/** One message to send: text or binary, and the reply id it must get when the test can tell. */
interface FuzzMessage {
  data: string | Buffer;
  binary: boolean;
  expectId?: number;
}

class Fuzzer {
  private readonly rng: Prng;
  private nextTag = 1_000_000;

  constructor(seed: number) {
    this.rng = new Prng(seed);
  }

  private int(n: number): number {
    return Math.floor(this.rng.next() * n);
  }

  private pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  private randomString(): string {
    if (this.rng.next() < 0.5) return this.pick(STRINGS);
    let s = '';
    const length = this.int(40);
    // Any code point, lone surrogates included (the client sends them as U+FFFD).
    for (let i = 0; i < length; i++) s += String.fromCodePoint(this.rng.next() < 0.7 ? 32 + this.int(95) : this.int(0x10ffff));
    return s;
  }

  private randomJson(depth = 0): unknown {
    const kind = this.int(depth > 4 ? 4 : 7);
    switch (kind) {
      case 0:
        return null;
      case 1:
        return this.rng.next() < 0.5;
      case 2:
        return this.rng.next() < 0.5 ? this.pick(NUMBERS) : (this.rng.next() - 0.5) * 10 ** this.int(30);
      case 3:
        return this.randomString();
      case 4:
        return Array.from({ length: this.int(5) }, () => this.randomJson(depth + 1));
      case 5: {
        const o: Record<string, unknown> = {};
        for (let i = this.int(5); i > 0; i--) o[this.pick(['id', 'method', 'args', 'baud', 'protocol', 'rate', 'name', 'participant', this.randomString()])] = this.randomJson(depth + 1);
        return o;
      }
      default:
        return this.pick([{ id: 1 }, { method: 'getStatus' }, { args: [] }, []]);
    }
  }

  private nested(value: unknown): unknown {
    let v = value;
    for (let i = 1 + this.int(2000); i > 0; i--) v = this.rng.next() < 0.5 ? [v] : { a: v };
    return v;
  }

  /** A valid request with one or more structural faults. */
  private mutated(): FuzzMessage {
    const seed = this.pick(VALID_REQUESTS);
    const tag = this.nextTag++;
    const request: Record<string, unknown> = { id: tag, method: seed.method, args: structuredClone(seed.args) };
    let idKept = true;
    for (let faults = 1 + this.int(3); faults > 0; faults--) {
      const field = this.pick(['id', 'method', 'args', 'arg', 'arg', 'extra', 'none']);
      const roll = this.int(4);
      if (field === 'id') {
        idKept = false;
        if (roll === 0) delete request.id;
        else request.id = roll === 1 ? this.pick(NUMBERS) : this.randomJson();
      } else if (field === 'method') {
        if (roll === 0) delete request.method;
        else request.method = roll === 1 ? String(request.method).toUpperCase() : roll === 2 ? this.randomString() : this.randomJson();
      } else if (field === 'args') {
        if (roll === 0) delete request.args;
        else request.args = roll === 1 ? this.nested(request.args) : this.randomJson();
      } else if (field === 'arg' && Array.isArray(request.args)) {
        const args = request.args as unknown[];
        const at = this.int(args.length + 1);
        if (roll === 0) args.splice(at, 1);
        else if (roll === 1) args.splice(at, 0, this.randomJson());
        else args[at] = roll === 2 ? this.nested(this.randomJson()) : this.randomJson();
      } else if (field === 'extra') {
        request[this.randomString()] = this.randomJson();
      }
    }
    if (idKept && typeof request.id === 'number') return { data: JSON.stringify(request), binary: false, expectId: tag };
    return { data: JSON.stringify(request) ?? 'undefined', binary: false };
  }

  /** JSON text cut, spliced or with a numeric literal no double can hold. */
  private textMutated(): FuzzMessage {
    const text = JSON.stringify({ id: this.nextTag++, method: this.pick(VALID_REQUESTS).method, args: [this.randomJson()] });
    const at = this.int(text.length);
    const roll = this.int(4);
    if (roll === 0) return { data: text.slice(0, at), binary: false };
    if (roll === 1) return { data: text.slice(0, at) + this.randomString() + text.slice(at), binary: false };
    if (roll === 2) return { data: text.replace(/"id":\d+/, `"id":${this.pick(['1e999', '-1e999', '9'.repeat(400), '0x10', '01', 'NaN', '1_0'])}`), binary: false };
    return { data: text + text, binary: false };
  }

  next(): FuzzMessage {
    const roll = this.rng.next();
    if (roll < 0.05) return { data: Buffer.from(Array.from({ length: this.int(64) }, () => this.int(256))), binary: true };
    if (roll < 0.15) return { data: this.randomString(), binary: false };
    if (roll < 0.35) return { data: JSON.stringify(this.randomJson()), binary: false };
    if (roll < 0.5) return this.textMutated();
    if (roll < 0.5005) return { data: `{"id":1,"method":"addMarker","args":["${'x'.repeat(WS_MAX_REQUEST_BYTES)}"]}`, binary: false };
    return this.mutated();
  }
}

interface Reply {
  id: unknown;
  result?: unknown;
  error?: unknown;
}

describe('web face under 10^5 fuzzed messages', () => {
  const dir = tempDir('web-fuzz');
  let engine: Engine;
  let face: WebFace;

  beforeAll(async () => {
    engine = await createEngine({ dbPath: join(dir.path, 'library.db'), listPorts: async () => [] });
    await engine.connect('sim');
    face = await startWebFace({ engine, port: 0, rendererDir: dir.path, token: 'tok' });
  });

  afterAll(async () => {
    await face?.close();
    await engine?.close();
    dir.cleanup();
  });

  it('answers every message once while the recording keeps growing, then stops cleanly', { timeout: 180_000 }, async () => {
    const sessionId = await engine.startRecording({ name: 'under fuzz', participant: 'F' });
    const ws = new WebSocket(`ws://127.0.0.1:${face.port}/ws?token=tok`);
    const replies: Reply[] = [];
    let wake: (() => void) | null = null;
    let closeCode: number | null = null;
    ws.on('close', (code) => {
      closeCode = code;
      wake?.();
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return; // live frames
      const message = JSON.parse(String(data)) as Reply & { event?: string };
      if (message.event) return; // status pushes
      replies.push(message);
      wake?.();
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });

    const ecgSamples = async () => (await engine.getStatus()).devices[0].streams.find((s) => s.key === 'sim/ecg')!.samples;
    const fuzzer = new Fuzzer(SEED);
    const expected = new Map<number, number>();
    let sent = 0;
    let filtered = 0;
    const sampleCheckpoints: number[] = [];
    while (sent < MESSAGES) {
      const target = Math.min(sent + BATCH, MESSAGES);
      while (sent < target) {
        const message = fuzzer.next();
        if (!message.binary) {
          const parsed = parseWsRequest(String(message.data));
          if (parsed.ok && !SENT_WHEN_VALID.has(parsed.method)) {
            filtered++;
            continue;
          }
        }
        ws.send(message.data, { binary: message.binary });
        if (message.expectId !== undefined) expected.set(message.expectId, (expected.get(message.expectId) ?? 0) + 1);
        sent++;
      }
      // One reply per message: wait for the batch's replies before the next batch.
      while (replies.length < sent) {
        if (closeCode !== null) throw new Error(`the server closed the socket (${closeCode}) after ${sent} messages`);
        await new Promise<void>((resolve) => (wake = resolve));
      }
      if (sent % (20 * BATCH) === 0) sampleCheckpoints.push(await ecgSamples());
    }
    // Nothing more arrives: no message was answered twice.
    const probeId = 42;
    ws.send(JSON.stringify({ id: probeId, method: 'listSessions', args: [] }));
    while (!replies.some((r) => r.id === probeId)) await new Promise<void>((resolve) => (wake = resolve));
    expect(replies.length).toBe(sent + 1);

    // The generator really did mix valid, filtered and malformed messages.
    const results = replies.filter((r) => 'result' in r).length;
    expect(filtered).toBeGreaterThan(100);
    expect(results).toBeGreaterThan(1000);
    expect(replies.filter((r) => r.id === -1).length).toBeGreaterThan(10_000);
    // Each reply: a safe-integer id and either a result or a one-line error (no stack trace).
    const badReplies = replies.filter(
      (r) =>
        !(typeof r.id === 'number' && Number.isSafeInteger(r.id)) ||
        'result' in r === 'error' in r ||
        ('error' in r && !(typeof r.error === 'string' && r.error.length > 0 && !/\n\s+at /.test(r.error))),
    );
    expect(badReplies.slice(0, 5)).toEqual([]);
    // Every message whose id the fuzzer left intact got exactly one reply with that id.
    const seen = new Map<number, number>();
    for (const r of replies) seen.set(r.id as number, (seen.get(r.id as number) ?? 0) + 1);
    const miscounted = [...expected].filter(([id, count]) => seen.get(id) !== count);
    expect(expected.size).toBeGreaterThan(10_000);
    expect(miscounted.slice(0, 5)).toEqual([]);

    // The recording kept growing under the load and is still the one this test started.
    expect(sampleCheckpoints).toHaveLength(MESSAGES / (20 * BATCH));
    for (let i = 1; i < sampleCheckpoints.length; i++) expect(sampleCheckpoints[i]).toBeGreaterThan(sampleCheckpoints[i - 1]);
    const status = await engine.getStatus();
    expect(status.recording?.sessionId).toBe(sessionId);
    expect(status.recording?.error).toBeUndefined();
    expect(status.devices[0].state).toBe('streaming');

    const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
    ws.close();
    await closed;
    const summary = await engine.stopRecording();
    expect(summary!.id).toBe(sessionId);
    expect(summary!.endedAt).not.toBeNull();
    const stored = (await engine.listSessions()).find((s) => s.id === sessionId)!;
    const ecg = stored.streams.find((s) => s.name === 'ecg')!;
    expect(ecg.samples).toBeGreaterThan(sampleCheckpoints[sampleCheckpoints.length - 1] - sampleCheckpoints[0]);
  });
});

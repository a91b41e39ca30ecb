/**
 * What `vitalscope record` adds for studies: `--protocol FILE.json` (or a saved protocol's name)
 * beside the board's `--protocol auto|vbp|text|openbci-cyton`, each step announced on stderr as it starts, and
 * `--markers stdin`, where every line read becomes a marker at the time it arrives.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Protocol, ProtocolRunState } from '../../shared/protocol';
import { BOARD_PROTOCOLS, type ProtocolChoice } from '../../shared/types';
import type { Engine } from '../engine-api';
import { ProtocolLibrary, parseProtocolText, protocolsDir } from './protocol';

/** The values of --protocol that name the board's wire protocol; any other names a study protocol. */
const WIRE_PROTOCOLS: readonly string[] = ['auto', ...BOARD_PROTOCOLS];

/** `--protocol` values: the board's wire protocol (auto, vbp, text) and a study protocol (a .json file, or a saved one's name). */
export function protocolFlags(values: readonly string[], dbPath: string): { board: ProtocolChoice; study: Protocol | null } {
  const board = values.filter((v) => WIRE_PROTOCOLS.includes(v));
  const study = values.filter((v) => !WIRE_PROTOCOLS.includes(v));
  if (board.length > 1 || study.length > 1) throw new Error(`--protocol is given twice for the same thing (${values.join(', ')}): once auto|vbp|text|openbci-cyton for the board, once FILE.json for a study protocol`);
  return { board: (board[0] ?? 'auto') as ProtocolChoice, study: study.length ? studyProtocol(study[0], dbPath) : null };
}

function studyProtocol(value: string, dbPath: string): Protocol {
  const file = resolve(value);
  if (existsSync(file)) return parseProtocolText(readFileSync(file, 'utf8'), value);
  if (value.endsWith('.json')) throw new Error(`--protocol ${value}: there is no such file`);
  const library = new ProtocolLibrary(protocolsDir(dbPath));
  if (library.list().some((p) => p.name === value)) return library.get(value);
  throw new Error(`--protocol "${value}" is neither the board's protocol (${WIRE_PROTOCOLS.join(', ')}), nor a protocol file (.json), nor a protocol saved in ${library.dir}`);
}

/** Says each step on stderr as it starts, and when the protocol is done; returns the unsubscribe. */
export function announceSteps(engine: Engine, write: (line: string) => void = (l) => process.stderr.write(l)): () => void {
  let shown = -1;
  return engine.subscribe({
    status: ({ protocol }) => {
      if (!protocol || protocol.index === shown) return;
      shown = protocol.index;
      write(describeStep(protocol));
    },
  });
}

function describeStep(p: ProtocolRunState): string {
  if (p.done) return `protocol "${p.protocol}" done\n`;
  const planned = p.steps[p.index].duration_s;
  return `step ${p.index + 1}/${p.steps.length}: ${p.step} (${planned} s)${p.instructions ? ` - ${p.instructions}` : ''}\n`;
}

/** Resolves once the running protocol has ended. */
export function protocolEnded(engine: Engine): Promise<void> {
  return new Promise((resolveEnded) => {
    const off = engine.subscribe({
      status: ({ protocol }) => {
        if (!protocol?.done) return;
        queueMicrotask(() => off());
        resolveEnded();
      },
    });
  });
}

/** Every non-empty line of `input` becomes a marker when it arrives; its end (EOF) stops nothing. Returns the stop. */
export function markersFrom(input: Readable, engine: Engine, write: (line: string) => void = (l) => process.stderr.write(l)): () => void {
  const lines = createInterface({ input, crlfDelay: Infinity });
  lines.on('line', (line) => {
    const text = line.trim();
    if (!text) return;
    engine.addMarker(text).then(
      () => write(`marker: ${text}\n`),
      (error: Error) => write(`marker "${text}" not added: ${error.message}\n`),
    );
  });
  return () => lines.close();
}

/**
 * The protocol format `{name, steps: [{name, duration_s, instructions}]}`, checked with zod so a
 * bad file names the step and field at fault, and the library's protocols folder that keeps them
 * (`<library dir>/protocols/<name>.json`), with import and export of single files.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { protocolJson, type Protocol, type StoredProtocol } from '../../shared/protocol';

/** A day: longer steps are surely a typo (ms for s). */
const MAX_STEP_S = 24 * 3600;
const MAX_STEPS = 500;

const name = (what: string) =>
  z
    .string({ error: `must be the ${what}'s name (text)` })
    .trim()
    .min(1, { error: `must not be empty (the ${what}'s name)` })
    .max(100, { error: 'must be at most 100 characters' });

const step = z.object(
  {
    name: name('step'),
    duration_s: z
      .number({ error: 'must be a positive number (seconds)' })
      .positive({ error: 'must be a positive number (seconds)' })
      .max(MAX_STEP_S, { error: `must be at most ${MAX_STEP_S} s (a day)` }),
    instructions: z.string({ error: 'must be text' }).max(5000, { error: 'must be at most 5000 characters' }).default(''),
  },
  { error: 'must be an object {name, duration_s, instructions}' },
);

const PROTOCOL = z.object(
  {
    name: name('protocol'),
    steps: z
      .array(step, { error: 'must be a list of steps' })
      .min(1, { error: 'must hold at least one step' })
      .max(MAX_STEPS, { error: `must hold at most ${MAX_STEPS} steps` }),
  },
  { error: 'must be an object {name, steps}' },
);

/** `steps[2].duration_s` from zod's path. */
function pathText(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('');
}

/** A protocol from parsed JSON; otherwise an Error listing each fault as `where: what` (prefixed by `source`, e.g. the file). */
export function parseProtocol(value: unknown, source?: string): Protocol {
  const parsed = PROTOCOL.safeParse(value);
  if (parsed.success) return parsed.data;
  const faults = parsed.error.issues.map((issue) => (issue.path.length ? `${pathText(issue.path)}: ${issue.message}` : `the protocol ${issue.message}`));
  throw new Error(`${source ? `${source}: ` : ''}${faults.join('; ')}`);
}

/** A protocol from a JSON file's text. */
export function parseProtocolText(text: string, source: string): Protocol {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${source} is not JSON: ${(error as Error).message}`);
  }
  return parseProtocol(json, source);
}

/** The protocols folder beside a library database. */
export function protocolsDir(dbPath: string): string {
  return join(dbPath === ':memory:' ? join(tmpdir(), 'vitalscope') : dirname(dbPath), 'protocols');
}

/** A file name for a protocol's name: characters a file system may refuse become `_`. */
function fileNameOf(protocolName: string): string {
  return `${protocolName.replace(/[^\p{L}\p{N} ._()+-]/gu, '_').replace(/^\.+/, '_')}.json`;
}

export class ProtocolLibrary {
  constructor(readonly dir: string) {}

  /** Every file of the folder, by name; an unreadable one is listed with its error. */
  list(): StoredProtocol[] {
    if (!existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.json'))
      .map((f): StoredProtocol => {
        const file = join(this.dir, f);
        try {
          const protocol = parseProtocolText(readFileSync(file, 'utf8'), f);
          return { name: protocol.name, file, protocol };
        } catch (error) {
          return { name: basename(f, '.json'), file, protocol: null, error: (error as Error).message };
        }
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  get(protocolName: string): Protocol {
    const found = this.list().find((p) => p.name === protocolName);
    if (!found) throw new Error(`there is no protocol "${protocolName}" in ${this.dir}`);
    if (!found.protocol) throw new Error(found.error);
    return found.protocol;
  }

  /**
   * Checks and writes a protocol. `previousName`: the protocol being edited (renamed when its
   * name changed); a protocol of the same name is never replaced otherwise.
   */
  save(value: unknown, previousName?: string): StoredProtocol {
    const protocol = parseProtocol(value);
    const existing = this.list();
    const file = join(this.dir, fileNameOf(protocol.name));
    const clash = existing.find((p) => (p.name === protocol.name || p.file === file) && p.name !== previousName);
    if (clash) throw new Error(`a protocol named "${clash.name}" already exists (${clash.file}): pick another name or edit that one`);
    mkdirSync(this.dir, { recursive: true });
    // Written whole, then moved in place: a crash never leaves half a file.
    const partial = `${file}.partial`;
    writeFileSync(partial, protocolJson(protocol));
    renameSync(partial, file);
    const previous = previousName === undefined ? undefined : existing.find((p) => p.name === previousName);
    if (previous && previous.file !== file) rmSync(previous.file, { force: true });
    return { name: protocol.name, file, protocol };
  }

  remove(protocolName: string): void {
    const found = this.list().find((p) => p.name === protocolName);
    if (!found) throw new Error(`there is no protocol "${protocolName}" in ${this.dir}`);
    rmSync(found.file);
  }

  /** Imports a protocol file's text (named `source` in errors); one of the same name is replaced only with `replace`. */
  import(text: string, source: string, replace = false): StoredProtocol {
    const protocol = parseProtocolText(text, source);
    return this.save(protocol, replace ? protocol.name : undefined);
  }
}

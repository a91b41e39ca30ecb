/** `vitalscope protocols [--json]`, `protocols import FILE [--replace]`, `protocols export NAME FILE`: the library's protocols. */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { protocolJson, protocolSeconds } from '../../shared/protocol';
import { defaultDbPath } from '../storage/paths';
import { ProtocolLibrary, protocolsDir } from './protocol';

const USAGE = 'protocols [--json], protocols import FILE [--replace], protocols export NAME FILE';

export async function protocolsCommand(args: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, strict: true, options: { db: { type: 'string' }, json: { type: 'boolean' }, replace: { type: 'boolean' } } });
  } catch (error) {
    throw new Error(`${(error as Error).message} (${USAGE})`);
  }
  const { values, positionals } = parsed;
  const library = new ProtocolLibrary(protocolsDir(values.db ?? defaultDbPath()));
  const [action, ...rest] = positionals;
  if (action === 'import') {
    if (rest.length !== 1) throw new Error(`import takes one file: ${USAGE}`);
    const file = resolve(rest[0]);
    const text = readText(file);
    const stored = library.import(text, basename(file), values.replace);
    process.stderr.write(`imported "${stored.name}" (${stored.protocol!.steps.length} steps) into ${stored.file}\n`);
    return;
  }
  if (action === 'export') {
    if (rest.length !== 2) throw new Error(`export takes a protocol's name and a file: ${USAGE}`);
    const file = resolve(rest[1]);
    writeFileSync(file, protocolJson(library.get(rest[0])));
    process.stderr.write(`exported "${rest[0]}" to ${file}\n`);
    return;
  }
  if (action !== undefined) throw new Error(`unknown protocols action "${action}": ${USAGE}`);
  const list = library.list();
  if (values.json) return void process.stdout.write(JSON.stringify(list) + '\n');
  if (list.length === 0) process.stderr.write(`no protocols in ${library.dir} yet: import one (vitalscope protocols import FILE.json) or make one in the app\n`);
  for (const p of list) {
    const what = p.protocol ? `${p.protocol.steps.length} steps, ${protocolSeconds(p.protocol)} s` : `unreadable: ${p.error}`;
    process.stdout.write(`${p.name}\t${what}\t${p.file}\n`);
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
}

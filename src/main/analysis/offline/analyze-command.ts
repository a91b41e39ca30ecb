/** `vitalscope analyze INPUT [--signal L|I] [--rate HZ] [--kind LABEL=KIND]... [--ppg-polarity auto|volume|intensity] [--db PATH] --json` */
import { parseArgs } from 'node:util';
import { STREAM_KINDS, type StreamKind } from '../../../shared/types';
import { defaultDbPath } from '../../storage/paths';
import { analyze } from './analyze';
import { loadInput } from './load-input';

export async function analyzeCommand(args: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        signal: { type: 'string' },
        rate: { type: 'string' },
        kind: { type: 'string', multiple: true },
        'ppg-polarity': { type: 'string' },
        db: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new Error((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new Error('give exactly one INPUT: a WFDB .hea, a .csv or a session id');
  let rate: number | undefined;
  if (values.rate !== undefined) {
    rate = Number(values.rate);
    if (!(rate > 0 && Number.isFinite(rate))) throw new Error(`--rate must be a positive number of Hz, got "${values.rate}"`);
  }
  const kinds: Record<string, StreamKind> = {};
  for (const k of values.kind ?? []) {
    const m = /^(.+)=(.+)$/.exec(k);
    const kind = m?.[2].trim().toLowerCase() as StreamKind | undefined;
    if (!m || !kind || !STREAM_KINDS.includes(kind)) throw new Error(`--kind must be LABEL=KIND with KIND one of ${STREAM_KINDS.join(', ')}, got "${k}"`);
    kinds[m[1].trim()] = kind;
  }
  const ppgPolarity = values['ppg-polarity'] ?? 'auto';
  if (ppgPolarity !== 'auto' && ppgPolarity !== 'volume' && ppgPolarity !== 'intensity') {
    throw new Error(`--ppg-polarity must be auto, volume (rises at systole, like a monitor's PLETH) or intensity (raw light counts, falls at systole), got "${ppgPolarity}"`);
  }
  const input = loadInput(positionals[0], { rate, kinds, db: values.db ?? defaultDbPath() });
  const result = analyze(input, { signal: values.signal, ppgPolarity });
  // Notes (a truncated file, ignored columns) are in the JSON too; a person reading stderr sees them.
  for (const note of result.notes) process.stderr.write(`note: ${note}\n`);
  // JSON is the only output format for now; --json states it explicitly.
  process.stdout.write(JSON.stringify(result) + '\n');
}

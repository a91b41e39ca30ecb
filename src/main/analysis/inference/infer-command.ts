/** `vitalscope infer MODEL INPUT [--json|--csv] [--rate HZ] [--db PATH]`: a model over a WFDB record, a CSV file or a session. */
import { parseArgs } from 'node:util';
import { defaultDbPath } from '../../storage/paths';
import { loadInput } from '../offline/load-input';
import { inferCsv, inferInput } from './infer';
import { ModelHost } from './model-host';

export async function inferCommand(args: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, strict: true, options: { json: { type: 'boolean' }, csv: { type: 'boolean' }, rate: { type: 'string' }, db: { type: 'string' } } });
  } catch (error) {
    throw new Error((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 2) throw new Error('give a MODEL (.onnx, with its .onnx.json manifest beside it) and one INPUT: a WFDB .hea, a .csv or a session id');
  if (values.json && values.csv) throw new Error('give --json or --csv, not both');
  let rate: number | undefined;
  if (values.rate !== undefined) {
    rate = Number(values.rate);
    if (!(rate > 0 && Number.isFinite(rate))) throw new Error(`--rate must be a positive number of Hz, got "${values.rate}"`);
  }
  const model = await ModelHost.load(positionals[0]);
  try {
    const input = loadInput(positionals[1], { rate, db: values.db ?? defaultDbPath() });
    let shown = -1;
    const result = await inferInput(model, input, {
      onProgress: (f) => {
        const pct = Math.floor(f * 100);
        if (pct >= shown + 10 || (pct === 100 && shown < 100)) process.stderr.write(`inferring: ${(shown = pct)}%\n`);
      },
    });
    for (const note of input.notes) process.stderr.write(`note: ${note}\n`);
    const s = result.skipped;
    if (s.gap + s.edge + s.rr > 0) process.stderr.write(`note: windows skipped: ${s.gap} touching lost samples, ${s.edge} past the ends, ${s.rr} without the RR intervals the model needs\n`);
    process.stdout.write(values.csv ? inferCsv(model, result) : JSON.stringify(result) + '\n');
  } finally {
    await model.close();
  }
}

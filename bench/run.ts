/**
 * `npm run bench [-- NAME...]`: runs the benchmark cases in bench/cases, prints each figure with
 * its target, and writes bench/results/<case>.json. Exits 1 when a figure misses its target.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { meets, type BenchCase } from './types';

async function main(): Promise<number> {
  const only = process.argv.slice(2);
  const dir = join(__dirname, 'cases');
  const files = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort();
  const resultsDir = join(__dirname, 'results');
  mkdirSync(resultsDir, { recursive: true });
  let missed = 0;
  for (const file of files) {
    const mod = (await import(join(dir, file))) as { default: BenchCase } | { default: { default: BenchCase } };
    const bench = 'run' in mod.default ? mod.default : mod.default.default;
    if (only.length && !only.includes(bench.name)) continue;
    process.stdout.write(`\n${bench.name}: ${bench.description}\n`);
    const metrics = await bench.run();
    for (const [key, m] of Object.entries(metrics)) {
      const verdict = m.target ? (meets(m.value, m.target) ? 'PASS' : 'MISS') : '';
      if (verdict === 'MISS') missed++;
      process.stdout.write(`  ${key.padEnd(34)} ${formatValue(m.value).padStart(14)} ${m.unit.padEnd(12)} ${m.target ? `target ${m.target}` : ''} ${verdict}\n`);
    }
    const record = { name: bench.name, description: bench.description, date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, metrics };
    writeFileSync(join(resultsDir, `${bench.name}.json`), JSON.stringify(record, null, 2) + '\n');
  }
  process.stdout.write(missed ? `\n${missed} figure(s) missed their target\n` : '\nall targets met\n');
  return missed ? 1 : 0;
}

function formatValue(v: number): string {
  return Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-US') : String(Number(v.toPrecision(4)));
}

void main().then((code) => (process.exitCode = code));

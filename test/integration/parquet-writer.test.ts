import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { writeParquet, type ParquetBatch, type ParquetColumn } from '../../src/main/storage/parquet';
import { duckdbQuery as query } from '../helpers/duckdb-query';
import { tempDir } from '../helpers/temp-dir';

const dir = tempDir('parquet-writer');
afterAll(() => dir.cleanup());

const COLUMNS: ParquetColumn[] = [
  { name: 't', type: 'DOUBLE' },
  { name: 'index', type: 'BIGINT' },
  { name: 'count', type: 'INTEGER' },
  { name: 'value "x"', type: 'FLOAT' },
  { name: 'text', type: 'VARCHAR' },
  { name: 'ok', type: 'BOOLEAN' },
  { name: 'tags', type: 'VARCHAR[]' },
  { name: 'window', type: 'FLOAT[3]' },
];

function* batches(count: number, rows: number): Generator<ParquetBatch> {
  for (let b = 0; b < count; b++) {
    const base = b * rows;
    yield {
      rows,
      columns: [
        Float64Array.from({ length: rows }, (_, i) => (base + i) / 10),
        Float64Array.from({ length: rows }, (_, i) => 2 ** 40 + base + i),
        Int32Array.from({ length: rows }, (_, i) => -(base + i)),
        Float32Array.from({ length: rows }, (_, i) => (i === 0 ? NaN : base + i + 0.5)),
        Array.from({ length: rows }, (_, i) => (i % 2 ? `row ${base + i}` : null)),
        Array.from({ length: rows }, (_, i) => i % 3 === 0),
        Array.from({ length: rows }, (_, i) => (i % 2 ? ['a', `b${i}`] : [])),
        Float32Array.from({ length: rows * 3 }, (_, k) => base * 3 + k),
      ],
    };
  }
}

describe('Parquet writer', () => {
  it('writes every column type, in row groups of the size asked for, and only the final file', async () => {
    const file = join(dir.path, 'all-types.parquet');
    const rows = await writeParquet(file, COLUMNS, batches(3, 5000), { rowGroupSize: 4096 });
    expect(rows).toBe(15000);
    expect(readdirSync(dir.path)).toEqual(['all-types.parquet']);
    const [summary] = await query(`SELECT count(*)::INT AS n, max("index") - min("index") AS span, min(count) AS lo, sum(ok::INT)::INT AS oks,
      count(text)::INT AS texts, count(*) FILTER (WHERE isnan("value ""x"""))::INT AS nans FROM '${file}'`);
    expect(summary).toEqual({ n: 15000, span: 14999n, lo: -14999, oks: 3 * 1667, texts: 7500, nans: 3 });
    const [row] = await query(`SELECT t, "index", "value ""x""" AS v, text, tags, "window" FROM '${file}' WHERE t = 500.1`);
    expect(row).toEqual({ t: 500.1, index: 2n ** 40n + 5001n, v: 5001.5, text: 'row 5001', tags: ['a', 'b1'], window: [15003, 15004, 15005] });
    const groups = await query(`SELECT row_group_id, max(row_group_num_rows)::INT AS n FROM parquet_metadata('${file}') GROUP BY ALL ORDER BY 1`);
    expect(groups.map((g) => g.n)).toEqual([4096, 4096, 4096, 2712]);
    const types = await query(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM '${file}')`);
    expect(types.map((t) => t.column_type)).toEqual(['DOUBLE', 'BIGINT', 'INTEGER', 'FLOAT', 'VARCHAR', 'BOOLEAN', 'VARCHAR[]', 'FLOAT[]']);
    expect(await query(`SELECT DISTINCT len("window")::INT AS n FROM '${file}'`)).toEqual([{ n: 3 }]);
  });

  it('writes wide fixed-size lists: 10 s windows at 1 kHz of 4 channels (DuckDB reserves 2048 rows of each)', async () => {
    const file = join(dir.path, 'wide.parquet');
    const rows = 200;
    const width = 10_000;
    const columns: ParquetColumn[] = [{ name: 'row', type: 'INTEGER' }, ...[0, 1, 2, 3].map((c) => ({ name: `ch${c}`, type: `FLOAT[${width}]` as const }))];
    const values = [0, 1, 2, 3].map((c) => Float32Array.from({ length: rows * width }, (_, k) => c * 1e6 + k));
    expect(await writeParquet(file, columns, [{ rows, columns: [Int32Array.from({ length: rows }, (_, i) => i), ...values] }])).toBe(rows);
    const [last] = await query(`SELECT len(ch3)::INT AS n, ch0[1] AS first, ch3[${width}] AS last FROM '${file}' WHERE "row" = ${rows - 1}`);
    expect(last).toEqual({ n: width, first: (rows - 1) * width, last: 3e6 + rows * width - 1 });
    expect(readdirSync(dir.path).filter((f) => f.startsWith('wide'))).toEqual(['wide.parquet']);
  });

  it('a failure in the batches (a cancel) or a batch that does not fit leaves nothing behind', async () => {
    const file = join(dir.path, 'cancelled.parquet');
    function* cancelled(): Generator<ParquetBatch> {
      yield* batches(2, 100);
      throw new Error('cancelled');
    }
    await expect(writeParquet(file, COLUMNS, cancelled())).rejects.toThrow('cancelled');
    expect(readdirSync(dir.path).filter((f) => f.startsWith('cancelled'))).toEqual([]);
    const short = { rows: 2, columns: [new Float64Array(2), new Float64Array(1)] };
    await expect(writeParquet(file, COLUMNS.slice(0, 2), [short])).rejects.toThrow(`cannot write ${file}: column index has 1 values for 2 rows (2 expected)`);
    await expect(writeParquet(file, [{ name: 'x', type: 'DATE' as 'DOUBLE' }], [])).rejects.toThrow('column x has type "DATE"');
    expect(readdirSync(dir.path).filter((f) => f.startsWith('cancelled'))).toEqual([]);
  });

  it('a path it cannot write says which file, and keeps what was there', async () => {
    const blocked = join(dir.path, 'all-types.parquet', 'inside.parquet');
    await expect(writeParquet(blocked, COLUMNS, batches(1, 10))).rejects.toThrow(`cannot write ${blocked}: `);
    expect(existsSync(join(dir.path, 'all-types.parquet'))).toBe(true);
  });

  it('runs in a worker thread, as the jobs do', async () => {
    const file = join(dir.path, 'worker.parquet');
    const source = `
      const { workerData, parentPort } = require('node:worker_threads');
      require('tsx/cjs/api').register();
      const { writeParquet } = require(workerData.module);
      Promise.resolve().then(() =>
        writeParquet(workerData.file, [{ name: 'x', type: 'FLOAT' }], [{ rows: 3, columns: [Float32Array.of(1, 2, 3)] }]),
      ).then((rows) => parentPort.postMessage(rows), (e) => parentPort.postMessage(String(e)));`;
    const worker = new Worker(source, { eval: true, workerData: { file, module: join(__dirname, '../../src/main/storage/parquet.ts') } });
    const result = await new Promise((resolve) => worker.once('message', resolve));
    await worker.terminate();
    expect(result).toBe(3);
    expect(await query(`SELECT sum(x)::INT AS s FROM '${file}'`)).toEqual([{ s: 6 }]);
  });
});

import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { ARRAY, BIGINT, BOOLEAN, DOUBLE, DuckDBDataChunk, DuckDBInstance, type DuckDBAppender, FLOAT, INTEGER, LIST, VARCHAR, arrayValue, listValue, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import { PARTIAL_SUFFIX } from './export-csv';

/**
 * Writes columnar data to one Parquet file through DuckDB (`@duckdb/node-api`): a well-kept
 * engine whose files every Parquet reader (pyarrow, Polars, Spark, DuckDB) reads, rather than a
 * hand-written encoder.
 *
 * Batches are appended to a table in an in-memory DuckDB (typed arrays are copied into its
 * vectors whole) that spills compressed blocks to a folder beside the output
 * (`<file>.partial.duckdb.tmp`) beyond its memory limit (memoryLimit), so memory stays bounded
 * however many rows there are; then one `COPY ... (FORMAT parquet)` writes `<file>.partial`,
 * renamed to `file` when complete. On any failure (a full disk, a bad path, a batch that does not
 * fit the columns, or `batches` throwing, which is how a job is cancelled) nothing is left: no
 * partial file, no spill folder. Runs in worker threads (the jobs do).
 *
 * Column types and the values a batch gives for them (one entry per column, in column order):
 * - `DOUBLE`, `FLOAT`: a Float64Array / Float32Array (NaN stays NaN), or an array of numbers or null;
 * - `BIGINT`, `INTEGER`: integers as a typed array or an array of numbers (bigints) or null;
 * - `VARCHAR`: an array of strings or null;  `BOOLEAN`: an array of booleans or null;
 * - `VARCHAR[]`: an array of string arrays (a list per row, any length);
 * - `FLOAT[n]`: a fixed-size list per row (windows of samples): one Float32Array of `rows * n`
 *   values, row after row. Parquet has no fixed-size list: readers see a list of floats
 *   (`FLOAT[]`, `list<float>`) whose every row holds n.
 */
export type ParquetType = 'DOUBLE' | 'FLOAT' | 'BIGINT' | 'INTEGER' | 'VARCHAR' | 'BOOLEAN' | 'VARCHAR[]' | `FLOAT[${number}]`;

export interface ParquetColumn {
  name: string;
  type: ParquetType;
}

export type ParquetValues = Float64Array | Float32Array | Int32Array | BigInt64Array | readonly (number | bigint | string | boolean | readonly string[] | null)[];

export interface ParquetBatch {
  rows: number;
  /** One entry per column, in the order of the columns. */
  columns: readonly ParquetValues[];
}

export interface ParquetOptions {
  /** Rows per row group: what a scan reads at a time (default ROW_GROUP_SIZE; DuckDB rounds it up to a multiple of 2048). */
  rowGroupSize?: number;
}

/** Rows per row group by default: large enough for fast scans, small enough to skip by statistics. */
export const ROW_GROUP_SIZE = 250_000;
/** DuckDB's memory for one writer of narrow rows: it spills beyond this. One thread: jobs run beside acquisition. */
const DUCKDB_MEMORY = 256 * 2 ** 20;
/** Rows per DuckDB data chunk: its STANDARD_VECTOR_SIZE (a chunk refuses more). */
const CHUNK_ROWS = 2048;
/**
 * Full data chunks DuckDB reserves at once on the way to the file (the appender's, its buffer,
 * the table's, the scan's, the Parquet writer's): measured, 4 columns of FLOAT[10000] need 5.5.
 */
const CHUNKS_RESERVED = 8;

/**
 * DuckDB's memory limit for these columns. Every vector of a FLOAT[n] column reserves n floats
 * for each of the chunk's 2048 rows, whatever the rows given, so wide windows (10 s at 1 kHz)
 * need far more than DUCKDB_MEMORY of reservation, most of it never touched: what is really
 * resident follows the rows given (the caller bounds a batch's bytes).
 */
function memoryLimit(columns: readonly ParquetColumn[]): string {
  const rowBytes = columns.reduce((sum, c) => sum + (c.type.startsWith('FLOAT[') ? 4 : 8) * valuesPerRow(c.type), 0);
  return `${Math.ceil((DUCKDB_MEMORY + CHUNKS_RESERVED * CHUNK_ROWS * rowBytes) / 2 ** 20)}MB`;
}

/** Writes `batches` (read one at a time) to `file` as Parquet; the number of rows written. */
export async function writeParquet(file: string, columns: readonly ParquetColumn[], batches: Iterable<ParquetBatch> | AsyncIterable<ParquetBatch>, options: ParquetOptions = {}): Promise<number> {
  if (columns.length === 0) throw new Error(`cannot write ${file}: a Parquet file needs at least one column`);
  const types = columns.map((c) => duckdbType(c, file));
  const rowGroupSize = options.rowGroupSize ?? ROW_GROUP_SIZE;
  const partial = file + PARTIAL_SUFFIX;
  const spill = `${partial}.duckdb.tmp`;
  let rows = 0;
  try {
    await io(file, async () => {
      mkdirSync(dirname(file), { recursive: true });
      // In memory rather than a database file: no write-ahead log and checkpoint, twice as fast; it spills when it must.
      const instance = await DuckDBInstance.create(':memory:', { threads: '1', memory_limit: memoryLimit(columns), temp_directory: spill, preserve_insertion_order: 'true' });
      const connection = await instance.connect();
      try {
        await connection.run(`CREATE TABLE rows (${columns.map((c) => `${quoteName(c.name)} ${c.type}`).join(', ')})`);
        const appender = await connection.createAppender('rows');
        try {
          for await (const batch of batches) {
            checkBatch(batch, columns, file);
            appendBatch(appender, types, columns, batch);
            rows += batch.rows;
          }
        } finally {
          appender.closeSync();
        }
        await connection.run(`COPY rows TO ${quoteString(partial)} (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE ${Math.max(1, Math.floor(rowGroupSize))})`);
      } finally {
        connection.closeSync();
        instance.closeSync();
      }
    });
    renameSync(partial, file);
    return rows;
  } catch (error) {
    remove(partial);
    throw error;
  } finally {
    remove(spill);
  }
}

/** Removes a file this wrote, if there is one (under a path that is not a folder there is none). */
function remove(path: string): void {
  try {
    rmSync(path, { force: true, recursive: true });
  } catch {
    // Nothing was written there.
  }
}

function duckdbType(column: ParquetColumn, file: string): DuckDBType {
  const { type } = column;
  const fixed = /^FLOAT\[([1-9]\d*)\]$/.exec(type);
  if (fixed) return ARRAY(FLOAT, Number(fixed[1]));
  const scalar = { DOUBLE, FLOAT, BIGINT, INTEGER, VARCHAR, BOOLEAN, 'VARCHAR[]': LIST(VARCHAR) }[type as string];
  if (!scalar) throw new Error(`cannot write ${file}: column ${column.name} has type "${type}"; supported: DOUBLE, FLOAT, BIGINT, INTEGER, VARCHAR, BOOLEAN, VARCHAR[], FLOAT[n]`);
  return scalar;
}

/** Values a column needs for `rows` rows: a fixed-size list column holds `n` per row. */
function valuesPerRow(type: ParquetType): number {
  return Number(/^FLOAT\[(\d+)\]$/.exec(type)?.[1] ?? 1);
}

function checkBatch(batch: ParquetBatch, columns: readonly ParquetColumn[], file: string): void {
  if (!Number.isInteger(batch.rows) || batch.rows < 0) throw new Error(`cannot write ${file}: a batch has ${batch.rows} rows`);
  if (batch.columns.length !== columns.length) throw new Error(`cannot write ${file}: a batch has ${batch.columns.length} columns, the file ${columns.length}`);
  for (const [i, c] of columns.entries()) {
    const expected = batch.rows * valuesPerRow(c.type);
    if (batch.columns[i].length !== expected) throw new Error(`cannot write ${file}: column ${c.name} has ${batch.columns[i].length} values for ${batch.rows} rows (${expected} expected)`);
  }
}

/** A batch in data chunks of DuckDB's vector size, column by column. */
function appendBatch(appender: DuckDBAppender, types: readonly DuckDBType[], columns: readonly ParquetColumn[], batch: ParquetBatch): void {
  for (let start = 0; start < batch.rows; start += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, batch.rows - start);
    const chunk = DuckDBDataChunk.create(types, n);
    for (const [c, column] of columns.entries()) {
      const values = batch.columns[c];
      const width = valuesPerRow(column.type);
      if (copyTyped(chunk, c, column.type, values, start, n, width)) continue;
      const vector = chunk.getColumnVector(c);
      if (column.type.startsWith('FLOAT[')) {
        const data = values as Float32Array;
        for (let k = 0; k < n; k++) vector.setItem(k, arrayValue(Array.from(data.subarray((start + k) * width, (start + k + 1) * width))));
      } else if (column.type === 'VARCHAR[]') {
        for (let k = 0; k < n; k++) vector.setItem(k, listValue([...((values[start + k] as readonly string[] | null) ?? [])]));
      } else if (column.type === 'BIGINT') {
        for (let k = 0; k < n; k++) {
          const v = values[start + k];
          vector.setItem(k, v === null ? null : BigInt(v as number | bigint));
        }
      } else {
        for (let k = 0; k < n; k++) vector.setItem(k, values[start + k] as DuckDBValue);
      }
      vector.flush();
    }
    appender.appendDataChunk(chunk);
  }
}

/** The element type a typed array must have to be copied into a column's memory as it is. */
const TYPED: Partial<Record<string, new (n: number) => Float32Array | Float64Array | Int32Array>> = { DOUBLE: Float64Array, FLOAT: Float32Array, INTEGER: Int32Array };
const TWO_32 = 2 ** 32;

/**
 * Copies a typed array's rows into the chunk's vector (a memcpy, where setItem per value would
 * cost most of the export): DOUBLE, FLOAT and INTEGER from their own typed arrays, FLOAT[n] into
 * the list's child vector, BIGINT from integers held in a Float64Array (exact below 2^53). False
 * for the other columns, which go value by value.
 */
function copyTyped(chunk: DuckDBDataChunk, c: number, type: ParquetType, values: ParquetValues, start: number, n: number, width: number): boolean {
  let vector = duckdb.data_chunk_get_vector(chunk.chunk, c);
  let source: Float32Array | Float64Array | Int32Array | BigInt64Array;
  if (type === 'BIGINT' && (values instanceof Float64Array || values instanceof BigInt64Array)) {
    source = values instanceof BigInt64Array ? values.subarray(start, start + n) : int64(values.subarray(start, start + n));
  } else if (type.startsWith('FLOAT[') && values instanceof Float32Array) {
    vector = duckdb.array_vector_get_child(vector);
    source = values.subarray(start * width, (start + n) * width);
  } else {
    const expected = TYPED[type];
    if (!expected || !(values instanceof expected)) return false;
    source = (values as Float32Array | Float64Array | Int32Array).subarray(start, start + n);
  }
  duckdb.copy_data_to_vector(vector, 0, source.buffer as ArrayBuffer, source.byteOffset, source.byteLength);
  return true;
}

/** Integers (in doubles) as little-endian int64 words: low 32 bits unsigned, high 32 bits signed. */
function int64(values: Float64Array): Int32Array {
  const words = new Int32Array(2 * values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const high = Math.floor(v / TWO_32);
    words[2 * i] = (v - high * TWO_32) | 0;
    words[2 * i + 1] = high;
  }
  return words;
}

function quoteName(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function quoteString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** DuckDB's and the file system's errors, naming the file. */
async function io(file: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    const message = (error as Error).message;
    throw new Error(message.startsWith('cannot write ') ? message : `cannot write ${file}: ${message.replace(/\s+/g, ' ').trim()}`);
  }
}

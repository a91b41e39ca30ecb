import { DuckDBInstance } from '@duckdb/node-api';

/** Runs one SQL query in a fresh in-memory DuckDB (Parquet files are read by path); its rows as JS objects. */
export async function duckdbQuery(sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

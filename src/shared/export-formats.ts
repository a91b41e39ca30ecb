import type { ExportFormat } from './types';

export interface ExportFormatInfo {
  /** As the export dialog shows it. */
  label: string;
  /** One line on what it is for: the dialog shows it under the choice, the CLI's help beside the name. */
  description: string;
  /** What `--out` names: a folder of files or one file. */
  out: 'DIR' | 'FILE';
}

/** Every export format, one entry each (a new ExportFormat fails to compile until it has one here): the dialog and the CLI's help both list these. */
export const EXPORT_FORMATS: Readonly<Record<ExportFormat, ExportFormatInfo>> = {
  csv: { label: 'CSV', description: 'one CSV per stream + events.csv: spreadsheets, pandas, R', out: 'DIR' },
  edf: { label: 'EDF+', description: 'one 16-bit EDF+ file (EDF+D where samples were lost): EDFbrowser, MNE, clinical tools', out: 'FILE' },
  bdf: { label: 'BDF+', description: 'one 24-bit BDF+ file, for signals 16 bits would coarsen: EDFbrowser, MNE', out: 'FILE' },
  wfdb: { label: 'WFDB', description: 'WFDB records (.hea + .dat per sample rate, beats with classes in .atr, events in .events): PhysioNet tools, wfdb-python', out: 'DIR' },
  parquet: { label: 'Parquet', description: 'a Hive-partitioned folder (participant=/session=/<stream>.parquet, sessions.parquet, events.parquet): DuckDB, pandas, Polars, Spark, Ray', out: 'DIR' },
};

/** The formats in the order they are offered. */
export const EXPORT_FORMAT_IDS = Object.keys(EXPORT_FORMATS) as ExportFormat[];

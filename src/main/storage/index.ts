export { Library, toSummary, type StoredChunk, type StoredSession, type StoredStream } from './library';
export { Recorder, FLUSH_INTERVAL_MS } from './recorder';
export { defaultDbPath } from './paths';
export { checkExportRange, exportSessionCsv, type ExportProgress } from './export-csv';
export { detectedBeats, readTrack, sessionDetail, sessionOrThrow, streamOrThrow } from './review-queries';
export { analysisRunBeats, deleteAnalysisRun, hasAnalysisRun, listAnalysisRuns, saveAnalysisRun, summarizeRun } from './analysis-runs';
export { correctedBeats, currentBeats, editBeats, resetBeats } from './corrected-beats';
export { rangeHrv } from './review-hrv';
export { exportSessionFile, importSessionFile, type CopyProgress } from './session-files';

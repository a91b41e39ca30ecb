export { Library, toSummary, type StoredChunk, type StoredSession, type StoredStream } from './library';
export { Recorder, FLUSH_INTERVAL_MS } from './recorder';
export { defaultDbPath } from './paths';
export { exportSessionCsv, type ExportProgress } from './export-csv';
export { detectedBeats, readTrack, sessionDetail, sessionOrThrow, streamOrThrow } from './review-queries';
export { correctedBeats, currentBeats, editBeats, resetBeats } from './corrected-beats';
export { rangeHrv } from './review-hrv';

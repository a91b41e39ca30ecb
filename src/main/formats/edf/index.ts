export { readEdf, readEdfHeader, EdfFormatError, type EdfFile, type EdfHeader, type EdfSignal, type EdfSignalHeader } from './reader';
export { encodeTal, formatSeconds, parseTals, timeKeepingTal, type EdfAnnotation } from './tal';
export { fitNumber, toAscii } from './fields';
export {
  chooseRange,
  concatBytes,
  DIGITAL_RANGE,
  encodeEdfHeader,
  encodeRecord,
  MAX_RECORD_BYTES,
  packAnnotations,
  rateFraction,
  recordBytes,
  recordTimings,
  scaling,
  type EdfSignalSpec,
  type EdfVariant,
  type EdfWriteHeader,
  type RecordTiming,
  type Scaling,
} from './writer';
export { layoutRecords, type LayoutStream, type Placement, type RecordBlock, type SampleRun } from './layout';

export { parseWfdbHeader, WfdbError, type WfdbHeader, type WfdbSignalSpec, type WfdbSegmentSpec } from './header';
export { INVALID_SAMPLE, decodeSamples, demuxSignals, encodeSamples, wfdbChecksum, assertSupportedFormat, SUPPORTED_FORMATS, type DecodedSignal } from './signals';
export { parseMitAnnotations, beatSamples, isBeatCode, annotationMnemonic, type WfdbAnnotations } from './annotations';
export { ADC_LIMIT, NOTE_CODE, beatCode, chooseWfdbScale, encodeMitAnnotations, encodeWfdbHeader, quantisationStep, toAdc, type WfdbAnnotationOut, type WfdbRecordHeader, type WfdbScale, type WfdbSignalLine, type WritableFormat } from './writer';
export { recordCompanions } from './record-files';

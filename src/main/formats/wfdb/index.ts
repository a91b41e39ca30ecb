export { parseWfdbHeader, WfdbError, type WfdbHeader, type WfdbSignalSpec, type WfdbSegmentSpec } from './header';
export { decodeSamples, demuxSignals, encodeSamples, wfdbChecksum, assertSupportedFormat, SUPPORTED_FORMATS, type DecodedSignal } from './signals';
export { parseMitAnnotations, beatSamples, isBeatCode, annotationMnemonic, type WfdbAnnotations } from './annotations';
export { recordCompanions } from './record-files';

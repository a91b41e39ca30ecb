export * as vbp from './vbp';
export { TextLineDecoder, parseLine, MAX_LINE_BYTES, type TextRecord } from './text-lines';
export { ProtocolDetector, detectProtocol, DETECT_MAX_BYTES } from './detect';

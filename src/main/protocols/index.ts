export * as vbp from './vbp';
export { TextLineDecoder, parseLine, MAX_LINE_BYTES, type TextRecord } from './text-lines';
export { ProtocolDetector, detectProtocol, DETECT_MAX_BYTES } from './detect';
export * as polarPmd from './polar-pmd';
export { CytonDecoder, type CytonPacket } from './openbci-cyton';

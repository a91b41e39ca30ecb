export { VbpDecoder, type VbpErrorCounts } from './decoder';
export * from './encoder';
export * from './packets';
export { crc16 } from './crc16';

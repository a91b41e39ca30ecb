/** Lab studies: protocols, their runner, and the markers stimulus software sends. */
export { ProtocolLibrary, parseProtocol, parseProtocolText, protocolsDir } from './protocol';
export { ProtocolRunner, type StepSink } from './protocol-runner';
export { ProtocolDriver, recorderStepSink } from './protocol-driver';

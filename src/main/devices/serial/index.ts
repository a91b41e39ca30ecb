export { SerialTransport, openSerialPort, serialOpenError, DEFAULT_BAUD } from './serial-transport';
export { listSerialPorts, serialDeviceId, serialEntry, findReturnedPort, SERIAL_PREFIX, type SerialPortEntry } from './ports';

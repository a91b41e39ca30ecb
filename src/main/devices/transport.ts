/**
 * A byte pipe to a board (USB serial, a pseudo-terminal, BLE UART, or the in-process simulator).
 * Transports move bytes only; they know nothing of the payload.
 */
export interface ByteTransport {
  readonly label: string;
  write(bytes: Uint8Array): void;
  /** Registers the byte sink; the transport starts delivering once it is set. */
  onData(listener: (bytes: Uint8Array) => void): void;
  /** Called once when the pipe closes: `error` set when it was lost rather than closed by us. */
  onClose(listener: (error?: Error) => void): void;
  close(): Promise<void>;
}

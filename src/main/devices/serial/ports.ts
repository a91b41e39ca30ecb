import { basename } from 'node:path';
import { SerialPort } from 'serialport';
import type { DeviceEntry } from '../../../shared/types';

export const SERIAL_PREFIX = 'serial:';

export interface SerialPortEntry {
  path: string;
  vendorId?: string;
  productId?: string;
  manufacturer?: string;
  serialNumber?: string;
}

/** The serial ports the OS reports (USB ids and manufacturer when known). Ptys are never listed. */
export async function listSerialPorts(): Promise<SerialPortEntry[]> {
  const ports = await SerialPort.list();
  return ports.map((p) => ({
    path: p.path,
    vendorId: p.vendorId?.toLowerCase(),
    productId: p.productId?.toLowerCase(),
    manufacturer: p.manufacturer,
    serialNumber: p.serialNumber,
  }));
}

export function serialDeviceId(path: string): string {
  return `${SERIAL_PREFIX}${path}`;
}

export function serialEntry(p: SerialPortEntry): Omit<DeviceEntry, 'connected'> {
  const usb = p.vendorId && p.productId ? `USB ${p.vendorId}:${p.productId}` : undefined;
  const detail = [p.path, usb, p.manufacturer, p.serialNumber ? `SN ${p.serialNumber}` : undefined].filter(Boolean).join(' · ');
  return {
    id: serialDeviceId(p.path),
    label: p.manufacturer ? `${p.manufacturer} (${basename(p.path)})` : basename(p.path),
    transport: 'serial',
    detail,
    serial: { ...p },
  };
}

/**
 * Finds where a board went after it was unplugged: the same path if it is back, else a port with
 * the same USB vendor/product ids and serial number (a board that re-enumerated as ttyACM1).
 */
export async function findReturnedPort(original: SerialPortEntry): Promise<string | null> {
  if (!original.serialNumber || !original.vendorId) return null;
  const ports = await listSerialPorts().catch(() => []);
  const same = ports.find((p) => p.serialNumber === original.serialNumber && p.vendorId === original.vendorId && p.productId === original.productId);
  return same?.path ?? null;
}

/** GATT UUIDs we drive, lowercase 128-bit (PROTOCOL_FACTS.md), and the 16-bit SIG short form expanded. */

const SIG_BASE = '-0000-1000-8000-00805f9b34fb';

/** `180d`, `0x180D` or any case of a 128-bit UUID, with or without dashes, to lowercase dashed 128-bit form. */
export function fullUuid(uuid: string): string {
  const u = uuid.toLowerCase().replace(/^0x/, '').replace(/-/g, '');
  if (/^[0-9a-f]{4}$/.test(u)) return `0000${u}${SIG_BASE}`;
  if (/^[0-9a-f]{8}$/.test(u)) return `${u}${SIG_BASE}`;
  if (/^[0-9a-f]{32}$/.test(u)) return `${u.slice(0, 8)}-${u.slice(8, 12)}-${u.slice(12, 16)}-${u.slice(16, 20)}-${u.slice(20)}`;
  throw new Error(`"${uuid}" is not a Bluetooth UUID (16-bit like 180d, or 128-bit like 6e400001-b5a3-f393-e0a9-e50e24dcca9e)`);
}

export const GATT = {
  heartRateService: fullUuid('180d'),
  heartRateMeasurement: fullUuid('2a37'),
  batteryService: fullUuid('180f'),
  batteryLevel: fullUuid('2a19'),
  nusService: '6e400001-b5a3-f393-e0a9-e50e24dcca9e',
  pmdService: 'fb005c80-02e7-f387-1cad-8acd2d8df0c8',
} as const;

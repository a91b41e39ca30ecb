/**
 * Bluetooth SIG Heart Rate Service (0x180D), Heart Rate Measurement characteristic 0x2A37
 * (org.bluetooth.characteristic.heart_rate_measurement.xml; layout in PROTOCOL_FACTS.md §1):
 * flags, uint8 or uint16 bpm, optional energy expended (kJ), optional RR intervals in 1/1024 s,
 * oldest first. Little-endian. Pure.
 */

export type SensorContact = 'detected' | 'not detected' | 'unsupported';

export interface HeartRateMeasurement {
  bpm: number;
  contact: SensorContact;
  /** Energy expended since the last reset, joules (the field is in kJ). */
  energyJ?: number;
  /** RR intervals in ms, oldest first (none when the flag is clear). */
  rrMs: number[];
}

export const HRS_FLAGS = {
  hrUint16: 0x01,
  contactDetected: 0x02,
  contactSupported: 0x04,
  energyPresent: 0x08,
  rrPresent: 0x10,
} as const;

/** A value that does not hold what its flags announce: `offset` is where the missing field begins. */
export class HeartRateDecodeError extends Error {
  constructor(
    readonly offset: number,
    what: string,
    length: number,
  ) {
    super(`Heart Rate Measurement of ${length} byte${length === 1 ? '' : 's'} is truncated: ${what} at byte ${offset}`);
  }
}

export function decodeHeartRateMeasurement(value: Uint8Array): HeartRateMeasurement {
  if (value.length === 0) throw new HeartRateDecodeError(0, 'no flags byte', 0);
  const flags = value[0];
  const need = (offset: number, bytes: number, what: string) => {
    if (offset + bytes > value.length) throw new HeartRateDecodeError(offset, `${what} (${bytes} bytes) missing`, value.length);
  };
  const u16 = (at: number) => value[at] | (value[at + 1] << 8);
  let at = 1;
  let bpm: number;
  if (flags & HRS_FLAGS.hrUint16) {
    need(at, 2, 'uint16 heart rate');
    bpm = u16(at);
    at += 2;
  } else {
    need(at, 1, 'uint8 heart rate');
    bpm = value[at++];
  }
  const contact: SensorContact = !(flags & HRS_FLAGS.contactSupported) ? 'unsupported' : flags & HRS_FLAGS.contactDetected ? 'detected' : 'not detected';
  const out: HeartRateMeasurement = { bpm, contact, rrMs: [] };
  if (flags & HRS_FLAGS.energyPresent) {
    need(at, 2, 'energy expended');
    out.energyJ = u16(at) * 1000;
    at += 2;
  }
  if (flags & HRS_FLAGS.rrPresent) {
    if ((value.length - at) % 2 !== 0) throw new HeartRateDecodeError(value.length - 1, 'half an RR interval', value.length);
    for (; at < value.length; at += 2) out.rrMs.push((u16(at) * 1000) / 1024);
  }
  return out;
}

/** The 0x2A37 value a strap sends: uint16 bpm when it does not fit a byte; RR in ms, rounded to 1/1024 s. */
export function encodeHeartRateMeasurement(m: HeartRateMeasurement): Uint8Array {
  const wide = m.bpm > 255;
  const rr = m.rrMs.map((ms) => Math.min(0xffff, Math.round((ms * 1024) / 1000)));
  let flags = wide ? HRS_FLAGS.hrUint16 : 0;
  if (m.contact !== 'unsupported') flags |= HRS_FLAGS.contactSupported | (m.contact === 'detected' ? HRS_FLAGS.contactDetected : 0);
  if (m.energyJ !== undefined) flags |= HRS_FLAGS.energyPresent;
  if (rr.length > 0) flags |= HRS_FLAGS.rrPresent;
  const bytes = [flags, m.bpm & 0xff, ...(wide ? [m.bpm >> 8] : [])];
  if (m.energyJ !== undefined) {
    const kj = Math.min(0xffff, Math.round(m.energyJ / 1000));
    bytes.push(kj & 0xff, kj >> 8);
  }
  for (const r of rr) bytes.push(r & 0xff, r >> 8);
  return Uint8Array.from(bytes);
}

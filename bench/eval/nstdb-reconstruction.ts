/**
 * NSTDB 118 at 6 dB and 0 dB, RECONSTRUCTED (not NSTDB's own 118e06 / 118e00 records, which are
 * not in ../shared/data): the 118e12 excerpt is clean record 118 plus NSTDB's noise at a nominal
 * 12 dB (bench/eval/nstdb-noise.ts extracts it), and clean + noise x 10^((12 - snr) / 20) is the
 * excerpt at `snr` dB (NSTDB scales one noise record by SNR the same way; Moody, Muldrow & Mark,
 * Computers in Cardiology 11:381-384, 1984). The same 80 s noise realisation makes the
 * noise-stress tuning set (bench/eval/noise-stress.ts): these rows are reported figures on a
 * record not tuned on, but not on unseen noise.
 */
import { extractNstdbNoise, nominalGain, qrsPeakToPeak } from './nstdb-noise';

export { NSTDB_NOISE_FILES as RECONSTRUCTION_FILES } from './nstdb-noise';

export function reconstructNstdb118(data: string, snrs: number[]): { snr: number; data: Float64Array; ref: number[]; fs: number }[] {
  const n = extractNstdbNoise(data);
  const pp = qrsPeakToPeak(n.clean, n.fs, n.ann);
  return snrs.map((snr) => {
    const gain = nominalGain(n, pp, snr);
    return { snr, data: Float64Array.from(n.residual, (v, i) => n.clean[n.offset + i] + gain * v), ref: n.ref, fs: n.fs };
  });
}

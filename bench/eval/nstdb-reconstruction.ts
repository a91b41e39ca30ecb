/**
 * NSTDB 118 at 6 dB and 0 dB, RECONSTRUCTED (not NSTDB's own 118e06 / 118e00 records, which are
 * not in ../shared/data): the 118e12 excerpt is clean record 118 plus NSTDB's scaled noise, so
 *   noise = excerpt - clean 118 at the excerpt's offset,
 * and clean + noise x 10^((12 - snr) / 20) is the excerpt at `snr` dB (NSTDB scales one noise
 * record by SNR the same way; Moody, Muldrow & Mark, Computers in Cardiology 11:381-384, 1984).
 * The offset is found from the beat annotations: the stretch of 118.atr whose RR intervals equal
 * the excerpt's (0 samples of difference over all of them), checked by the residual.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readWfdbRecord } from '../../src/main/analysis/offline/load-input';
import { beatSamples, parseMitAnnotations } from '../../src/main/formats/wfdb';

export const RECONSTRUCTION_FILES = ['ecg/nstdb/heartpy_118e12.csv', 'ecg/nstdb/heartpy_118e12_ann.csv', 'ecg/mitdb/118.hea', 'ecg/mitdb/118.dat', 'ecg/mitdb/118.atr'];
const column = (p: string) => readFileSync(p, 'utf8').trim().split(/\r?\n/).map(Number);

/** The excerpt's beats' offset in record 118 (samples), or null when no stretch of 118.atr has its RR intervals. */
function excerptOffset(record: number[], excerpt: number[]): number | null {
  for (let i = 0; i + excerpt.length <= record.length; i++) {
    let same = true;
    for (let k = 1; k < excerpt.length && same; k++) same = record[i + k] - record[i] === excerpt[k] - excerpt[0];
    if (same) return record[i] - excerpt[0];
  }
  return null;
}

export function reconstructNstdb118(data: string, snrs: number[]): { snr: number; data: Float64Array; ref: number[]; fs: number }[] {
  const clean = readWfdbRecord(join(data, 'ecg/mitdb/118.hea')).signals[0];
  const excerpt = column(join(data, RECONSTRUCTION_FILES[0]));
  const ref = column(join(data, RECONSTRUCTION_FILES[1])).filter(Number.isFinite);
  const offset = excerptOffset(beatSamples(parseMitAnnotations(readFileSync(join(data, 'ecg/mitdb/118.atr')))), ref);
  if (offset === null) throw new Error('NSTDB reconstruction: the 118e12 excerpt matches no stretch of MIT-BIH 118');
  return snrs.map((snr) => {
    const gain = 10 ** ((12 - snr) / 20);
    const x = Float64Array.from(excerpt, (v, i) => clean.data[offset + i] + gain * (v - clean.data[offset + i]));
    return { snr, data: x, ref, fs: clean.fs };
  });
}

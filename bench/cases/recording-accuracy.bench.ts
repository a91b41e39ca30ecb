import { join } from 'node:path';
import { tempDir } from '../../test/helpers/temp-dir';
import { runVirtualBoard } from '../../test/helpers/virtual-acquisition';
import type { BenchCase } from '../types';

const SECONDS = 600;

/**
 * Ten simulated minutes of the wearable board through the real decoder, clock model, recorder and
 * SQLite file, once clean and once with 1% of packets dropped: recorded samples against
 * rate x duration, and the gap events' lost packets against the packets the board really dropped.
 */
const recordingAccuracy: BenchCase = {
  name: 'recording-accuracy',
  description: `sample counts and gap accounting over ${SECONDS} simulated seconds (clean, and 1% packet loss)`,
  async run() {
    const dir = tempDir('bench-accuracy');
    try {
      const clean = runVirtualBoard({ seed: 11 }, SECONDS, join(dir.path, 'clean.db'));
      const session = clean.library.session(clean.sessionId)!;
      const worstError = Math.max(...session.streams.map((s) => Math.abs(s.samples - s.rate * SECONDS) / (s.rate * SECONDS)));
      clean.library.close();

      const lossy = runVirtualBoard({ seed: 12, lossPct: 1 }, SECONDS, join(dir.path, 'lossy.db'));
      const gaps = lossy.library.events(lossy.sessionId).filter((e) => e.kind === 'gap');
      const reported = gaps.reduce((sum, e) => sum + Number(/^(\d+) packet/.exec(e.text)?.[1] ?? NaN), 0);
      const dropped = [...lossy.board.dropped.values()].reduce((a, b) => a + b, 0);
      lossy.library.close();
      return {
        worstStreamCountError: { value: worstError * 100, unit: '%', target: '<= 0.5' },
        packetsDropped: { value: dropped, unit: 'packets' },
        gapPacketsMismatch: { value: Math.abs(reported - dropped), unit: 'packets', target: '<= 0' },
      };
    } finally {
      dir.cleanup();
    }
  },
};

export default recordingAccuracy;

/**
 * Protocol auto-detection on connect: looks at a board's first bytes and tells VBP frames from
 * text lines and OpenBCI Cyton packets. Pure. A Cyton needs a few packets in a row, each framed by
 * 0xA0 ... 0xCX and the next header, with consecutive sample numbers (a binary VBP stream cannot
 * keep that up by chance); VBP wins as soon as one frame passes its CRC; text needs a few complete
 * lines of printable characters and no 0x00 (which text never contains and VBP ends every frame with).
 */
import type { BoardProtocol } from '../../shared/types';
import { CytonDecoder } from './openbci-cyton';
import { VbpDecoder } from './vbp/decoder';

/** Past this many bytes without a decision, guess from the 0x00 delimiters alone. */
export const DETECT_MAX_BYTES = 4096;
const TEXT_LINES_NEEDED = 3;
const CYTON_PACKETS_NEEDED = 4;

export class ProtocolDetector {
  private readonly vbp = new VbpDecoder();
  private readonly cyton = new CytonDecoder();
  /** Cyton packets in a row whose sample numbers follow one another. */
  private cytonRun = 0;
  private bytes = 0;
  private zeros = 0;
  private printable = 0;
  private lines = 0;

  /** Feeds bytes; returns the protocol once it is clear, else null (feed more). */
  push(bytes: Uint8Array): BoardProtocol | null {
    for (const p of this.cyton.push(bytes)) this.cytonRun = p.lost === 0 ? this.cytonRun + 1 : 1;
    if (this.cytonRun >= CYTON_PACKETS_NEEDED) return 'openbci-cyton';
    if (this.vbp.push(bytes).length > 0) return 'vbp';
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b === 0) this.zeros++;
      else if (b === 0x0a) this.lines++;
      if ((b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d) this.printable++;
    }
    this.bytes += bytes.length;
    if (this.zeros === 0 && this.lines >= TEXT_LINES_NEEDED && this.printable >= 0.97 * this.bytes) return 'text';
    if (this.bytes >= DETECT_MAX_BYTES) return this.zeros > 0 ? 'vbp' : 'text';
    return null;
  }
}

/** One-shot form: the protocol of a block of bytes, or null when it is too short to tell. */
export function detectProtocol(bytes: Uint8Array): BoardProtocol | null {
  return new ProtocolDetector().push(bytes);
}

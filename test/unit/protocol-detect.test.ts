import { describe, expect, it } from 'vitest';
import { DETECT_MAX_BYTES, ProtocolDetector, detectProtocol } from '../../src/main/protocols/detect';
import { SimulatedBoard } from '../../src/main/devices/simulator/board';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('protocol detection', () => {
  it('recognises VBP from one good frame, even mid-stream and after garbage', () => {
    const board = new SimulatedBoard({ seed: 1 });
    board.advance(0);
    const stream = board.advance(0.5);
    expect(detectProtocol(stream)).toBe('vbp');
    // Joined mid-frame (the board was already streaming), after some line noise.
    const tail = stream.subarray(37);
    const noisy = new Uint8Array([0xff, 0x13, 0x37, ...tail]);
    expect(detectProtocol(noisy)).toBe('vbp');
  });

  it('recognises text lines, Arduino plotter style or plain', () => {
    expect(detectProtocol(bytes('ax ay\r\n1 2\r\n3 4\r\n'))).toBe('text');
    expect(detectProtocol(bytes('red:1,ir:2\nred:3,ir:4\nred:5,ir:6\n'))).toBe('text');
  });

  it('waits for more when it cannot tell yet, and falls back on the delimiters', () => {
    const d = new ProtocolDetector();
    expect(d.push(bytes('12'))).toBeNull();
    expect(d.push(bytes(',3\n'))).toBeNull();
    const binary = new Uint8Array(DETECT_MAX_BYTES).map((_, i) => (i % 50 === 0 ? 0 : 0x80 + (i % 7)));
    expect(detectProtocol(binary)).toBe('vbp');
    const noZeros = new Uint8Array(DETECT_MAX_BYTES).fill(0x41);
    expect(detectProtocol(noZeros)).toBe('text');
  });
});

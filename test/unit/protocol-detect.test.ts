import { describe, expect, it } from 'vitest';
import { DETECT_MAX_BYTES, ProtocolDetector, detectProtocol } from '../../src/main/protocols/detect';
import { SimulatedBoard } from '../../src/main/devices/simulator/board';
import { encodeCytonPacket } from '../../src/main/protocols/openbci-cyton';

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

  it('recognises an OpenBCI Cyton only after a few consecutive packets, joined mid-packet', () => {
    const packets = Array.from({ length: 6 }, (_, k) => encodeCytonPacket(250 + k, [k, -k, 0, 1, 2, 3, 4, 5], k === 0 ? [1, 2, 3] : undefined));
    const stream = new Uint8Array(packets.length * 33);
    packets.forEach((p, k) => stream.set(p, k * 33));
    const d = new ProtocolDetector();
    // Three packets (and the header confirming the third) are not yet enough.
    expect(d.push(stream.subarray(10, 4 * 33 + 1))).toBeNull();
    expect(d.push(stream.subarray(4 * 33 + 1))).toBe('openbci-cyton');
    // Packets whose sample numbers jump about are not a Cyton stream (yet).
    const jumbled = new Uint8Array(6 * 33);
    [0, 5, 9, 40, 41, 100].forEach((k, i) => jumbled.set(encodeCytonPacket(k, [1, 2, 3, 4, 5, 6, 7, 8]), i * 33));
    expect(detectProtocol(jumbled)).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/main/command-args';

describe('parseCommand (what a face accepts from a socket or IPC)', () => {
  it('accepts well-formed requests, options included', () => {
    expect(parseCommand('connect', ['serial:/dev/ttyACM0', { baud: 115200, protocol: 'text', rate: 250 }])).toEqual({
      method: 'connect',
      args: ['serial:/dev/ttyACM0', { baud: 115200, protocol: 'text', rate: 250 }],
    });
    expect(parseCommand('connect', ['sim']).args).toEqual(['sim']);
    expect(parseCommand('connect', ['serial:/dev/ttyUSB0', { protocol: 'openbci-cyton', gain: 8 }]).args[1]).toEqual({ protocol: 'openbci-cyton', gain: 8 });
    expect(parseCommand('startRecording', [{ name: 'walk', participant: 'P1' }]).args).toEqual([{ name: 'walk', participant: 'P1' }]);
    expect(parseCommand('getPsd', ['sim/ecg', 0, 8]).args).toEqual(['sim/ecg', 0, 8]);
    // A name left out arrives over the socket as null (JSON has no undefined in arrays).
    expect(parseCommand('runModelOnSession', [3, '/m/pvc.onnx', null]).args).toEqual([3, '/m/pvc.onnx', null]);
    expect(parseCommand('runModelOnSession', [3, '/m/pvc.onnx']).args).toEqual([3, '/m/pvc.onnx']);
    expect(() => parseCommand('runModelOnSession', [3, ''])).toThrow(/bad arguments for runModelOnSession/);
    expect(parseCommand('listSessions', undefined).args).toEqual([]);
  });

  it.each([
    ['frobnicate', [], /unknown command "frobnicate"/],
    ['connect', [], /bad arguments for connect/],
    ['connect', ['sim', { baud: -5 }], /bad arguments for connect/],
    ['connect', ['sim', { protocol: 'morse' }], /bad arguments for connect/],
    ['connect', ['sim', { extra: true }], /bad arguments for connect/],
    ['connect', ['serial:/dev/ttyUSB0', { protocol: 'openbci-cyton', gain: 3 }], /an OpenBCI Cyton gain is one of 1, 2, 4, 6, 8, 12, 24/],
    ['startRecording', [{ name: 'x' }], /bad arguments for startRecording/],
    ['getPsd', ['sim/ecg', 0, 600], /bad arguments for getPsd/],
    ['addMarker', ['x'.repeat(20_000)], /bad arguments for addMarker/],
  ])('refuses %s %j with a clear message', (method, args, message) => {
    expect(() => parseCommand(method, args)).toThrow(message);
  });
});

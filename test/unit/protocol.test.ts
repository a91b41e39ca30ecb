import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { protocolJson, type Protocol } from '../../src/shared/protocol';
import { ProtocolLibrary, parseProtocol, parseProtocolText } from '../../src/main/study/protocol';
import { ProtocolRunner, type StepSink } from '../../src/main/study/protocol-runner';
import { parseCommand } from '../../src/main/command-args';
import { tempDir } from '../helpers/temp-dir';

const PROTOCOL: Protocol = {
  name: 'Tilt',
  steps: [
    { name: 'Rest', duration_s: 60, instructions: 'Sit still' },
    { name: 'Stand', duration_s: 30, instructions: '' },
    { name: 'Recover', duration_s: 20, instructions: 'Sit down' },
  ],
};

describe('protocol format', () => {
  it('names the step and field at fault', () => {
    const bad = { name: 'x', steps: [PROTOCOL.steps[0], PROTOCOL.steps[1], { name: 'Walk', duration_s: -5, instructions: '' }] };
    expect(() => parseProtocol(bad)).toThrow('steps[2].duration_s: must be a positive number (seconds)');
    expect(() => parseProtocol({ name: ' ', steps: [{ duration_s: 3 }] })).toThrow(/name: must not be empty.*steps\[0\]\.name: must be the step's name/);
    expect(() => parseProtocol({ name: 'x', steps: [] })).toThrow('steps: must hold at least one step');
    expect(() => parseProtocolText('{"name": ', 'tilt.json')).toThrow(/^tilt\.json is not JSON/);
    expect(() => parseProtocolText('[1]', 'tilt.json')).toThrow('tilt.json: the protocol must be an object {name, steps}');
  });

  it("takes the editor's save of a new protocol over the socket, where an absent previous name arrives as null", () => {
    expect(parseCommand('saveProtocol', [PROTOCOL, null]).args).toEqual([PROTOCOL, null]);
    expect(() => parseCommand('controlProtocol', [{ action: 'extend', seconds: -1 }])).toThrow(/bad arguments for controlProtocol/);
  });

  it('defaults missing instructions and trims names', () => {
    const p = parseProtocol({ name: ' Tilt ', steps: [{ name: 'Rest ', duration_s: 2 }] });
    expect(p).toEqual({ name: 'Tilt', steps: [{ name: 'Rest', duration_s: 2, instructions: '' }] });
  });

  it('stores, renames, refuses a second protocol of the same name, imports and deletes', () => {
    const dir = tempDir('protocols');
    onTestFinished(dir.cleanup);
    const lib = new ProtocolLibrary(join(dir.path, 'protocols'));
    expect(lib.list()).toEqual([]);
    const saved = lib.save(PROTOCOL);
    expect(JSON.parse(readFileSync(saved.file, 'utf8'))).toEqual(PROTOCOL);
    expect(() => lib.save({ ...PROTOCOL, steps: [PROTOCOL.steps[0]] })).toThrow(/a protocol named "Tilt" already exists/);
    const renamed = lib.save({ ...PROTOCOL, name: 'Tilt / v2' }, 'Tilt');
    expect(existsSync(saved.file)).toBe(false);
    expect(lib.list().map((p) => p.name)).toEqual(['Tilt / v2']);
    expect(lib.get('Tilt / v2').steps).toHaveLength(3);
    expect(() => lib.import(protocolJson({ ...PROTOCOL, name: 'Tilt / v2' }), 'v2.json')).toThrow(/already exists/);
    expect(lib.import(protocolJson({ ...PROTOCOL, name: 'Tilt / v2', steps: [PROTOCOL.steps[2]] }), 'v2.json', true).protocol?.steps).toHaveLength(1);
    writeFileSync(join(lib.dir, 'broken.json'), '{"name": "b", "steps": [{"name": "s", "duration_s": "ten"}]}');
    const broken = lib.list().find((p) => p.name === 'broken');
    expect(broken?.protocol).toBeNull();
    expect(broken?.error).toContain('steps[0].duration_s: must be a positive number');
    lib.remove('Tilt / v2');
    expect(existsSync(renamed.file)).toBe(false);
    expect(() => lib.remove('Tilt / v2')).toThrow(/no protocol "Tilt \/ v2"/);
  });
});

/** The step events a runner writes, as the recorder would hold them. */
function recordedSteps(): StepSink & { steps: { name: string; t: number; duration: number }[] } {
  const steps: { name: string; t: number; duration: number }[] = [];
  return {
    steps,
    stepStarted: (name, t) => steps.push({ name, t, duration: 0 }),
    stepEnded: (name, t, duration) => {
      const step = steps.find((s) => s.t === t && s.name === name)!;
      step.duration = duration;
    },
  };
}

describe('protocol runner', () => {
  const T0 = 1_700_000_000;

  it('writes each step at its boundary with its actual duration', () => {
    const sink = recordedSteps();
    const runner = new ProtocolRunner(PROTOCOL, T0, sink);
    expect(sink.steps).toEqual([{ name: 'Rest', t: T0, duration: 0 }]);
    expect(runner.advance(T0 + 59.9)).toBe(false);
    expect(runner.state(T0 + 59.9)).toMatchObject({ index: 0, step: 'Rest', instructions: 'Sit still', next: 'Stand', paused: false, done: false });
    expect(runner.state(T0 + 59.9).remaining_s).toBeCloseTo(0.1, 6);
    // A late tick ends both steps due, each at its own planned end.
    expect(runner.advance(T0 + 95)).toBe(true);
    expect(sink.steps).toEqual([
      { name: 'Rest', t: T0, duration: 60 },
      { name: 'Stand', t: T0 + 60, duration: 30 },
      { name: 'Recover', t: T0 + 90, duration: 0 },
    ]);
    expect(runner.state(T0 + 95)).toMatchObject({ index: 2, next: null, remaining_s: 15 });
    runner.advance(T0 + 110);
    expect(runner.done).toBe(true);
    expect(sink.steps[2].duration).toBe(20);
    expect(runner.nextBoundary()).toBeNull();
    expect(() => runner.control({ action: 'skip' }, T0 + 111)).toThrow('the protocol has ended');
  });

  it('stops the step clock while paused; extend and skip move the boundary', () => {
    const sink = recordedSteps();
    const runner = new ProtocolRunner(PROTOCOL, T0, sink);
    runner.control({ action: 'pause' }, T0 + 10);
    expect(runner.nextBoundary()).toBeNull();
    runner.advance(T0 + 100);
    expect(runner.state(T0 + 100)).toMatchObject({ index: 0, paused: true, remaining_s: 50, elapsed_s: 10 });
    runner.control({ action: 'resume' }, T0 + 100);
    expect(runner.nextBoundary()).toBe(T0 + 150);
    runner.control({ action: 'extend', seconds: 30 }, T0 + 120);
    expect(runner.state(T0 + 120)).toMatchObject({ elapsed_s: 30, remaining_s: 60 });
    runner.advance(T0 + 180);
    expect(sink.steps[0]).toEqual({ name: 'Rest', t: T0, duration: 180 });
    runner.control({ action: 'skip' }, T0 + 185);
    expect(sink.steps[1]).toEqual({ name: 'Stand', t: T0 + 180, duration: 5 });
    expect(runner.state(T0 + 185)).toMatchObject({ index: 2, step: 'Recover', remaining_s: 20 });
    expect(() => runner.control({ action: 'extend', seconds: 0 }, T0 + 186)).toThrow(/positive number of seconds/);
    // The recording stops mid-step: the step ends there.
    runner.stop(T0 + 190);
    expect(sink.steps[2]).toEqual({ name: 'Recover', t: T0 + 185, duration: 5 });
    expect(runner.state(T0 + 190)).toMatchObject({ done: true, step: '', index: 3 });
  });
});

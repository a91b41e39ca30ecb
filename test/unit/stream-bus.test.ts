import { describe, expect, it } from 'vitest';
import { StreamBus, type ListenerError } from '../../src/main/acquisition/stream-bus';
import type { Chunk, StreamInfo } from '../../src/shared/types';

const info: StreamInfo = { key: 'd/ecg', deviceId: 'd', name: 'ecg', kind: 'ecg', rate: 250, channels: [{ label: 'I', unit: 'mV' }] };
const chunk = (index: number): Chunk => ({ key: info.key, index, t0: index / 250, dt: 1 / 250, n: 1, data: Float32Array.of(index) });

describe('StreamBus listener isolation', () => {
  it('a throwing listener between two good ones stops neither them nor the publisher', () => {
    const errors: ListenerError[] = [];
    const bus = new StreamBus({ onListenerError: (e) => errors.push(e) });
    const first: number[] = [];
    const last: number[] = [];
    const streamsSeen: number[] = [];
    bus.subscribe({ chunk: (c) => first.push(c.index), streams: (s) => streamsSeen.push(s.length) }, 'first');
    bus.subscribe(
      {
        chunk: () => {
          throw new Error('disk full');
        },
        event: () => {
          throw new Error('no session');
        },
        streams: () => {
          throw new TypeError('cannot read properties of undefined');
        },
      },
      'recorder',
    );
    bus.subscribe({ chunk: (c) => last.push(c.index), event: (e) => last.push(-e.t), streams: (s) => streamsSeen.push(s.length) }, 'last');

    expect(() => bus.setStreams('d', [info])).not.toThrow();
    for (let i = 0; i < 3; i++) expect(() => bus.publish(chunk(i))).not.toThrow();
    expect(() => bus.publishEvent({ kind: 'device', t: 7, duration: 0, text: 'x' })).not.toThrow();

    expect(first).toEqual([0, 1, 2]);
    expect(last).toEqual([0, 1, 2, -7]);
    expect(streamsSeen).toEqual([1, 1]);
    expect(errors.map((e) => [e.listener, e.callback, e.count])).toEqual([
      ['recorder', 'streams', 1],
      ['recorder', 'chunk', 1],
      ['recorder', 'event', 1],
    ]);
    expect(errors[1].text).toBe('recorder failed on a chunk: disk full');
  });

  it('repeats of the same error are reported at the 1st, 10th, 100th time, new messages at once', () => {
    const errors: ListenerError[] = [];
    const bus = new StreamBus({ onListenerError: (e) => errors.push(e) });
    let n = 0;
    bus.subscribe(
      {
        chunk: () => {
          n++;
          throw new Error(n === 50 ? 'other' : 'bad chunk');
        },
      },
      'analysis',
    );
    for (let i = 0; i < 150; i++) bus.publish(chunk(i));
    expect(errors.map((e) => `${e.message}#${e.count}`)).toEqual(['bad chunk#1', 'bad chunk#10', 'other#1', 'bad chunk#100']);
    expect(errors[3].text).toBe('analysis failed on a chunk (100 times): bad chunk');
  });

  it('a reporter that throws does not reach the publisher', () => {
    const bus = new StreamBus({
      onListenerError: () => {
        throw new Error('banner gone');
      },
    });
    const got: number[] = [];
    bus.subscribe({ chunk: () => { throw new Error('x'); } });
    bus.subscribe({ chunk: (c) => got.push(c.index) });
    expect(() => bus.publish(chunk(4))).not.toThrow();
    expect(got).toEqual([4]);
  });
});

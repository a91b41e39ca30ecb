import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/main/command-args';
import { DEFAULT_DATASET_FORM, datasetRequest, finishedSessions, LABEL_SOURCE_IDS, rawStreamNames, type DatasetForm } from '../../src/renderer/src/review/dataset-request';
import { LABEL_SOURCES } from '../../src/main/storage/dataset-parts';
import type { SessionSummary, StreamSummary } from '../../src/shared/types';

const form = (over: Partial<DatasetForm>): DatasetForm => ({ ...DEFAULT_DATASET_FORM, sessions: 'all', streams: ['ecg'], ...over });

const stream = (name: string, derivedFrom?: string): StreamSummary => ({ name, kind: 'ecg', rate: 250, channels: ['MLII'], samples: 10, ...(derivedFrom ? { derivedFrom } : {}) });
const session = (id: number, status: SessionSummary['status'], streams: StreamSummary[]): SessionSummary =>
  ({ id, status, name: `s${id}`, participant: 'P', study: '', startedAt: '2024-01-01T00:00:00Z', endedAt: null, durationSec: 10, tags: [], devices: [], streams }) as SessionSummary;

describe('the dataset dialog\'s form as a DatasetRequest', () => {
  it('the defaults: every finished session, sliding 10 s windows, every label source, 70/15/15, seed 0, 2 workers, the library\'s datasets folder', () => {
    const request = datasetRequest(form({}));
    expect(request).toEqual({ out: '', streams: ['ecg'], window: 10, labels: ['label', 'beat', 'marker', 'step'], split: [70, 15, 15], seed: 0, workers: 2, npy: false, overwrite: false });
    // What the engine's API accepts as it stands (the same check the WebSocket and IPC faces make).
    expect(parseCommand('buildDataset', [request]).args[0]).toEqual(request);
  });

  it('every choice the CLI has: sessions sorted, step, rate, labels in the CLI\'s order, around, split, seed, workers, .npy, folder', () => {
    const request = datasetRequest(
      form({ sessions: [7, 3], streams: ['ecg', 'acc'], window: '2.5', step: '1', rate: '100', labels: ['step', 'beat'], split: ['80', '10', ' 10'], seed: '42', workers: '4', npy: true, out: ' /data/ds ', overwrite: true }),
    );
    expect(request).toEqual({ out: '/data/ds', streams: ['ecg', 'acc'], window: 2.5, step: 1, rate: 100, sessions: [3, 7], labels: ['beat', 'step'], split: [80, 10, 10], seed: 42, workers: 4, npy: true, overwrite: true });
    expect(parseCommand('buildDataset', [request]).args[0]).toEqual(request);
    // No label source ticked: unlabelled windows.
    expect(datasetRequest(form({ labels: [] })).labels).toEqual([]);
  });

  it('windows around beats or markers carry no step (it is for sliding windows)', () => {
    const request = datasetRequest(form({ around: 'beats', step: '3' }));
    expect(request.around).toBe('beats');
    expect(request).not.toHaveProperty('step');
    expect(datasetRequest(form({ around: 'markers' })).around).toBe('markers');
  });

  it('refuses what cannot be built, naming the field and what it allows', () => {
    const refusal = (over: Partial<DatasetForm>) => () => datasetRequest(form(over));
    expect(refusal({ sessions: [] })).toThrow('Choose at least one session');
    expect(refusal({ streams: [] })).toThrow('Choose at least one stream');
    expect(refusal({ window: '0' })).toThrow('Window: must be more than 0 s, got 0 s');
    expect(refusal({ window: '-2' })).toThrow('Window: must be more than 0 s, got -2 s');
    expect(refusal({ window: '' })).toThrow('Window: "" is not a number');
    expect(refusal({ window: 'ten' })).toThrow('Window: "ten" is not a number');
    expect(refusal({ window: '7200' })).toThrow('Window: must be at most 3600 s, got 7200 s');
    expect(refusal({ step: '0' })).toThrow('Step: must be more than 0 s, got 0 s');
    expect(refusal({ rate: '0' })).toThrow('Rate: must be more than 0 Hz, got 0 Hz');
    expect(refusal({ window: '0.01', rate: '50' })).toThrow('Rate: a 0.01 s window at 50 Hz holds no sample');
    expect(refusal({ split: ['0', '0', '0'] })).toThrow('Split: the shares are all zero; give train, val or test a share above 0');
    expect(refusal({ split: ['70', '-1', '15'] })).toThrow('Split (val): must be at least 0, got -1');
    expect(refusal({ split: ['70', '15', 'x'] })).toThrow('Split (test): "x" is not a number');
    expect(refusal({ seed: '1.5' })).toThrow('Seed: must be a whole number, got 1.5');
    expect(refusal({ workers: '0' })).toThrow('Workers: must be at least 1, got 0');
    expect(refusal({ workers: '65' })).toThrow('Workers: must be at most 64, got 65');
    expect(refusal({ npy: true, streams: ['ecg', 'acc'] })).toThrow('.npy shards of several streams need a rate: a shard holds one rate');
    // A step typed but windows around beats: the step is not read, so not refused.
    expect(() => datasetRequest(form({ around: 'beats', step: 'x' }))).not.toThrow();
  });

  it('offers the label sources the engine knows, and the recorded streams of the finished sessions', () => {
    expect(LABEL_SOURCE_IDS).toEqual([...LABEL_SOURCES]);
    const sessions = [session(1, 'complete', [stream('ecg'), stream('ecg.beats', 'b/ecg')]), session(2, 'recording', [stream('ppg')]), session(3, 'recovered', [stream('acc'), stream('ecg')])];
    expect(finishedSessions(sessions).map((s) => s.id)).toEqual([1, 3]);
    expect(rawStreamNames(finishedSessions(sessions))).toEqual(['ecg', 'acc']);
  });
});

import { describe, expect, it } from 'vitest';
import { adjacentMark, marksByTrack } from '../../src/renderer/src/review/model-marks';
import { reviewKeyAction, REVIEW_HELP } from '../../src/renderer/src/review/review-keys';
import { runMarks, type ModelRunOutputs } from '../../src/shared/model-runs';

const outputs: ModelRunOutputs = {
  id: 1,
  streamKey: 'sim/ecg',
  labels: ['N', 'V', 'Q'],
  marks: ['V', 'Q'],
  t: [1, 2, 3, 4],
  sample: [360, 720, 1080, 1440],
  label: [0, 1, 0, 2],
  probs: null,
  value: null,
};

describe('model marks in review', () => {
  it("marks a run's outputs of the manifest's mark classes only", () => {
    expect(runMarks(outputs, 'pvc')).toEqual({ key: 'sim/ecg', title: 'pvc', t: [2, 4], label: ['V', 'Q'] });
    expect(runMarks({ ...outputs, label: null }, 'regression').t).toEqual([]);
  });

  it('merges the runs shown per track in time order', () => {
    const tracks = marksByTrack([
      { key: 'a', title: 'run 1', t: [5, 1], label: ['V', 'V'] },
      { key: 'b', title: 'run 2', t: [3], label: ['X'] },
      { key: 'a', title: 'live', t: [2], label: ['Q'] },
    ]);
    expect(tracks.get('a')).toEqual({ t: [1, 2, 5], label: ['V', 'Q', 'V'] });
    expect(tracks.get('b')).toEqual({ t: [3], label: ['X'] });
  });

  it('jumps to the next and previous mark of any track, moving on from the one shown', () => {
    const tracks = marksByTrack([
      { key: 'a', title: '', t: [1, 5, 9], label: ['V', 'V', 'V'] },
      { key: 'b', title: '', t: [3], label: ['V'] },
    ]);
    expect(adjacentMark(tracks, 0, 1)).toBe(1);
    expect(adjacentMark(tracks, 1, 1)).toBe(3);
    expect(adjacentMark(tracks, 3, 1)).toBe(5);
    expect(adjacentMark(tracks, 9, 1)).toBeNull();
    expect(adjacentMark(tracks, 5, -1)).toBe(3);
    expect(adjacentMark(tracks, 4, -1)).toBe(3);
    expect(adjacentMark(tracks, 1, -1)).toBeNull();
    expect(adjacentMark(new Map(), 1, 1)).toBeNull();
  });

  it('binds ] and [ (free before) and lists them in the help', () => {
    const key = (k: string) => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, repeat: false, targetTag: 'BODY', targetEditable: false, shiftKey: false });
    expect(reviewKeyAction(key(']'))).toEqual({ kind: 'mark', direction: 1 });
    expect(reviewKeyAction(key('['))).toEqual({ kind: 'mark', direction: -1 });
    expect(reviewKeyAction({ ...key(']'), targetTag: 'INPUT' })).toBeNull();
    expect(REVIEW_HELP.some(([keys]) => keys === '] / [')).toBe(true);
  });
});

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listEvaluations, readEvaluation, saveEvaluation } from '../../src/main/analysis/evaluation/evaluation-store';
import type { EvaluateReport, StoredEvaluation } from '../../src/shared/evaluation';
import { tempDir } from '../helpers/temp-dir';

const dir = tempDir('evaluation-store');
afterAll(() => dir.cleanup());

const stored = (ms: number): StoredEvaluation => ({ id: `evaluation-${ms}`, createdAt: ms, modelPath: '/m/pvc.onnx', model: 'pvc', inputs: ['3', '/d/105.hea'], report: { model: 'pvc' } as EvaluateReport });

describe('kept evaluations', () => {
  it('lists the newest first without their reports, reads one back whole, and skips files that are not evaluations', () => {
    const folder = join(dir.path, 'evaluations');
    expect(listEvaluations(folder)).toEqual([]);
    saveEvaluation(folder, stored(1000));
    saveEvaluation(folder, stored(3000));
    saveEvaluation(folder, stored(20000));
    writeFileSync(join(folder, 'evaluation-5000.json'), '{ half a fi');
    writeFileSync(join(folder, 'notes.json'), '{}');
    expect(listEvaluations(folder).map((e) => e.id)).toEqual(['evaluation-20000', 'evaluation-3000', 'evaluation-1000']);
    expect(listEvaluations(folder)[0]).toEqual({ id: 'evaluation-20000', createdAt: 20000, modelPath: '/m/pvc.onnx', model: 'pvc', inputs: ['3', '/d/105.hea'] });
    expect(readEvaluation(folder, 'evaluation-3000')).toEqual(stored(3000));
  });

  it('refuses an id that is not one (no path escapes the folder) and names a missing one', () => {
    expect(() => readEvaluation(dir.path, '../secrets')).toThrow('"../secrets" is not an evaluation id (evaluation-<number>)');
    expect(() => readEvaluation(dir.path, 'evaluation-42')).toThrow(`no evaluation evaluation-42 in ${dir.path}`);
  });
});

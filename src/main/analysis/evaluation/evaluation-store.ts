/**
 * Evaluations the engine ran, kept as JSON files in the library's exports folder
 * (`evaluations/evaluation-<ms>.json`), so the Evaluation view reopens them after a reload; and
 * what it offers to evaluate: the sessions whose ECG beats have classes.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EvaluationEntry, StoredEvaluation } from '../../../shared/evaluation';
import type { Library } from '../../storage/library';

const ID = /^evaluation-\d+$/;
/** The Evaluation view lists at most this many, the newest first. */
const LISTED = 50;

/** Writes an evaluation whole (through a temporary file: a reader never sees half of one); returns its entry. */
export function saveEvaluation(dir: string, evaluation: StoredEvaluation): EvaluationEntry {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${evaluation.id}.json`);
  writeFileSync(`${file}.partial`, JSON.stringify(evaluation));
  renameSync(`${file}.partial`, file);
  return entryOf(evaluation);
}

export function listEvaluations(dir: string): EvaluationEntry[] {
  if (!existsSync(dir)) return [];
  const ids = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && ID.test(f.slice(0, -5)))
    .map((f) => f.slice(0, -5))
    .sort((a, b) => Number(b.slice(11)) - Number(a.slice(11)))
    .slice(0, LISTED);
  return ids.flatMap((id) => {
    try {
      return [entryOf(readEvaluation(dir, id))];
    } catch {
      return []; // Not one of ours after all (edited by hand, say): not listed.
    }
  });
}

export function readEvaluation(dir: string, id: string): StoredEvaluation {
  if (!ID.test(id)) throw new Error(`"${id}" is not an evaluation id (evaluation-<number>)`);
  const file = join(dir, `${id}.json`);
  if (!existsSync(file)) throw new Error(`no evaluation ${id} in ${dir}`);
  return JSON.parse(readFileSync(file, 'utf8')) as StoredEvaluation;
}

function entryOf({ id, createdAt, modelPath, model, inputs }: StoredEvaluation): EvaluationEntry {
  return { id, createdAt, modelPath, model, inputs };
}

/** Sessions with an ECG stream whose corrected beats have classes, and how many beats have one. */
export function classifiedSessions(library: Library): { id: number; name: string; classified: number }[] {
  return library.db
    .prepare(
      `SELECT se.id, se.name, (SELECT COUNT(*) FROM json_each(cb.classes) WHERE json_each.value IS NOT NULL) AS classified
       FROM corrected_beats cb JOIN streams s ON s.id = cb.stream_id JOIN sessions se ON se.id = s.session_id
       WHERE cb.classes IS NOT NULL AND s.kind = 'ecg' AND s.derived_from IS NULL ORDER BY se.id`,
    )
    .all() as { id: number; name: string; classified: number }[];
}

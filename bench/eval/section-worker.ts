/**
 * Runs one evaluation section (its name is the worker's data) and posts its result with what it
 * printed, held back so that bench/eval.ts prints each section's report whole and in order.
 */
import { format } from 'node:util';
import { parentPort, workerData } from 'node:worker_threads';
import { SECTIONS, type Section } from './sections';

export interface SectionOutcome {
  result?: unknown;
  /** The section's stack trace when it threw. */
  error?: string;
  printed: { stderr: boolean; text: string }[];
}

const printed: SectionOutcome['printed'] = [];
console.log = (...args: unknown[]) => printed.push({ stderr: false, text: format(...args) });
console.error = console.warn = (...args: unknown[]) => printed.push({ stderr: true, text: format(...args) });
let outcome: SectionOutcome;
try {
  outcome = { result: SECTIONS[workerData as Section](), printed };
} catch (e) {
  outcome = { error: e instanceof Error ? (e.stack ?? e.message) : String(e), printed };
}
parentPort!.postMessage(outcome);

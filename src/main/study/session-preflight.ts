/**
 * The pre-flight check as a session keeps it: in the session's meta (`preflight`), the result at
 * Record and, when the user recorded despite a failed check, the reason they gave.
 */
import type { PreflightResult, SessionPreflight } from '../../shared/preflight';
import type { Library } from '../storage/library';

/**
 * What to keep of the check when recording starts: null without a check; the result when it
 * passed; with a failed one, the override reason, or an error listing what failed when none was given.
 */
export function preflightAtRecord(result: PreflightResult | null, override: string | undefined): SessionPreflight | null {
  if (!result) return null;
  if (result.passed) return { result };
  const reason = override?.trim();
  if (!reason) {
    const failed = result.items.filter((i) => i.status !== 'ok').map((i) => i.why);
    throw new Error(`the pre-flight check has not passed (${failed.join('; ')}): wait for it, or override it with a reason`);
  }
  return { result, override: reason };
}

/** The note a session gets when its check was overridden. */
export function overrideNote(reason: string): string {
  return `pre-flight overridden: ${reason}`;
}

/** Keeps the check in the session's meta, beside what else is there. */
export function storeSessionPreflight(library: Library, sessionId: number, preflight: SessionPreflight): void {
  const row = library.db.prepare('SELECT meta FROM sessions WHERE id = ?').get(sessionId) as { meta: string } | undefined;
  if (!row) throw new Error(`no session ${sessionId} in ${library.path}`);
  const meta = { ...(JSON.parse(row.meta || '{}') as Record<string, unknown>), preflight };
  library.db.prepare('UPDATE sessions SET meta = ? WHERE id = ?').run(JSON.stringify(meta), sessionId);
}

/** The check a session kept, or null (recorded without one). */
export function sessionPreflight(library: Library, sessionId: number): SessionPreflight | null {
  const row = library.db.prepare('SELECT meta FROM sessions WHERE id = ?').get(sessionId) as { meta: string } | undefined;
  const meta = row ? (JSON.parse(row.meta || '{}') as { preflight?: SessionPreflight }) : {};
  return meta.preflight ?? null;
}

/** `record --preflight`: waits on the engine's clock for the pre-flight check to pass, or gives up. */
import type { PreflightResult } from '../../shared/preflight';
import type { Engine } from '../engine-api';

/** How long `record --preflight` waits for the check to pass, s. */
export const PREFLIGHT_WAIT_S = 10;

/**
 * Sets the check and polls it until it passes or `seconds` of the engine's clock went by (so a
 * virtual clock's `advance` steps the wait too); resolves with the last result either way.
 */
export async function waitForPreflight(engine: Engine, required: string[], advance: () => Promise<void>, seconds = PREFLIGHT_WAIT_S): Promise<PreflightResult> {
  let result = (await engine.setPreflight(required))!;
  const start = result.at;
  while (!result.passed && result.at - start < seconds) {
    await advance();
    result = (await engine.getPreflight())!;
  }
  return result;
}

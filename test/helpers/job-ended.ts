import type { Engine } from '../../src/main/engine';
import type { JobState } from '../../src/shared/types';

/** Polls the engine's status until job `id` has ended; its final state. */
export async function jobEnded(engine: Engine, id: number): Promise<JobState> {
  for (;;) {
    const job = (await engine.getStatus()).jobs.find((j) => j.id === id)!;
    if (job.state !== 'running') return job;
    await new Promise((r) => setTimeout(r, 50));
  }
}

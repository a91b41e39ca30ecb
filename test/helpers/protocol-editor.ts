import type { Locator } from 'playwright-core';

/** Types a protocol into the open protocol editor: its name, then each step's name, duration (s) and instructions, adding rows as needed. */
export async function fillProtocol(editor: Locator, name: string, steps: readonly (readonly [string, string, string])[]): Promise<void> {
  await editor.getByTestId('protocol-name').fill(name);
  for (const [i, [step, duration, instructions]] of steps.entries()) {
    if (i > 0) await editor.getByTestId('step-add').click();
    const row = editor.getByTestId('protocol-step-row').nth(i);
    await row.getByTestId('step-name').fill(step);
    await row.getByTestId('step-duration').fill(duration);
    await row.getByTestId('step-instructions').fill(instructions);
  }
}

/** Reading the page as a user does, once it shows what a test waits for (DOM code: e2e only). */
import type { WebFacePage } from '../helpers/web-face-page';

/** Text of the element with data-testid `id`, once it matches the regular expression `test`. */
export async function textWhen(face: WebFacePage, id: string, test: string, timeout = 15_000): Promise<string> {
  const handle = await face.page.waitForFunction(
    ({ id, test }) => {
      const text = document.querySelector(`[data-testid="${id}"]`)?.textContent ?? '';
      return new RegExp(test).test(text) ? text : null;
    },
    { id, test },
    { timeout, polling: 200 },
  );
  return (await handle.jsonValue()) as string;
}

/** Samples of stream `key` in its device's stats table, as shown. */
export async function samplesShown(face: WebFacePage, key: string): Promise<number> {
  const row = face.page.getByTestId(`stream-stats-${key}`);
  return Number(((await row.locator('td').nth(2).textContent()) ?? '').replace(/,/g, ''));
}

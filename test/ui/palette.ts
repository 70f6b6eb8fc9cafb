// Opening the command palette reliably: F1 has been seen to leave the palette closed (right after Close All
// Editors, the focus in the run explorer), so each try presses it, waits for the input, and lets the caller
// put its command in; a try that does not get the command offered is closed with Escape and made again.
import type { Page } from 'playwright-core';

/** Tries up to `attempts` times to open the palette and have `offer` (type or fill the command) succeed. */
export async function untilPaletteOffers(
  page: Page,
  attempts: number,
  offer: () => Promise<boolean>,
  failure: string,
): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    const opened = await input.waitFor({ state: 'visible', timeout: 5000 }).then(
      () => true,
      () => false,
    );
    if (opened && (await offer())) return;
    await page.keyboard.press('Escape');
    if (attempt === attempts) throw new Error(failure);
  }
}

// The popup's steps, as an admin takes them (in Chromium: locators and waitForFunction).
import type { Page } from 'puppeteer-core';

/** Type `query` into the picker's search and wait until the element at `selector` reads `text`. */
export async function search(popup: Page, query: string, [selector, text]: [selector: string, text: string]) {
  await popup.locator('#search').fill(query);
  await popup.waitForFunction((s, t) => document.querySelector(s)?.textContent === t, {}, selector, text);
}

/** Search as `search` does, pick the first entry with Enter, and wait for the confirm step. */
export async function pickFirst(popup: Page, query: string, shown: [selector: string, text: string]) {
  await search(popup, query, shown);
  await popup.focus('#search');
  await popup.keyboard.press('Enter');
  await popup.waitForSelector('#confirm:not([hidden])');
}

// The built extension in Chromium with a test host enabled on its options page, for a test file.
import type { Page } from 'puppeteer-core';
import { buildExtension } from '../../extension/build.mjs';
import { fileFixture } from '../helpers/fixture.js';
import { enableHost, launchChromium, signIn, type ExtensionBrowser } from './chromium.js';
import { startTestHost, type TestHost, type TestHostOptions } from './host.js';

export interface ExtensionSuite {
  eb: ExtensionBrowser;
  host: TestHost;
  /** A tab on the host, signed in as `signedInAs` (only with that option). */
  tab: Page;
}

/** Built, launched and enabled before the file's tests; closed after them. */
export function extensionSuite(options: TestHostOptions & { signedInAs?: string | number } = {}): ExtensionSuite {
  const { signedInAs, ...hostOptions } = options;
  return fileFixture(async (keep) => {
    const dir = await buildExtension({ test: true });
    const host = keep(await startTestHost(hostOptions));
    const eb = keep(await launchChromium(dir));
    await enableHost(eb, host.origin);
    let tab: Page | undefined;
    if (signedInAs !== undefined) {
      tab = await eb.browser.newPage();
      await signIn(tab, host.origin, signedInAs);
    }
    return {
      eb,
      host,
      get tab() {
        if (!tab) throw new Error('no signed-in tab: pass signedInAs');
        return tab;
      },
    };
  }, 120_000);
}

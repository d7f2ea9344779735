// Real headless browsers for tests, benchmarks and screenshots (recipes: ../shared/MACHINE.md).
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type LaunchOptions } from 'puppeteer-core';

export interface LaunchedBrowser {
  browser: Browser;
  /** Close, kill by PID if the browser won't go (a hung one keeps the test process alive), drop the profile. */
  close(): Promise<void>;
}

/** A browser suite fails, never skips, when its browser is missing, and says what to install. */
function installed(path: string, pkg: string, env: string): string {
  if (!existsSync(path)) throw new Error(`${path} is not installed: apt-get install -y ${pkg} (or set ${env} to the browser's path)`);
  return path;
}

async function launch(options: LaunchOptions, profile?: string): Promise<LaunchedBrowser> {
  const browser = await puppeteer.launch(options).catch(async (err) => {
    if (profile) await rm(profile, { recursive: true, force: true });
    throw err;
  });
  const pid = browser.process()?.pid;
  return {
    browser,
    async close() {
      await browser.close().catch(() => undefined);
      try {
        if (pid) process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      if (profile) await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Headless Chromium from apt, with a fresh profile, optionally with unpacked extensions loaded. */
export async function launchChromium(options: { extensions?: string[]; args?: string[] } = {}): Promise<LaunchedBrowser> {
  const executablePath = installed(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', 'chromium', 'CHROMIUM_PATH');
  const profile = await mkdtemp(join(tmpdir(), 'onbehalf-chromium-'));
  return launch(
    {
      executablePath,
      headless: true,
      pipe: true,
      ...(options.extensions && { enableExtensions: options.extensions }),
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${profile}`,
        ...(options.args ?? []),
      ],
    },
    profile,
  );
}

/** Headless Firefox ESR over WebDriver BiDi. */
export async function launchFirefox(prefs: Record<string, unknown> = {}): Promise<LaunchedBrowser> {
  return launch({
    browser: 'firefox',
    executablePath: installed(process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr', 'firefox-esr', 'FIREFOX_PATH'),
    headless: true,
    // Lets a tab open moz-extension:// pages.
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: prefs,
  });
}

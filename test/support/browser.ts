import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { repoRoot, testEnv } from './env';

/** Debian's Chromium, headless, with the flags that keep it off the (absent) network. Never a downloaded browser. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: testEnv.browserPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** Where browser tests leave screenshots for a reviewer to look at. */
export function screenshotPath(name: string): string {
  const dir = join(repoRoot, 'test-results', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name}.png`);
}

/** Signs in through the dashboard's own form; the page's context keeps the session cookie. */
export async function signInPage(page: import('playwright-core').Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(url);
  const form = page.getByTestId('login-form');
  await form.getByLabel('E-mail').fill(email);
  await form.getByLabel('Password').fill(password);
  await form.getByRole('button').click();
  await page.getByTestId('signed-in-as').waitFor();
}

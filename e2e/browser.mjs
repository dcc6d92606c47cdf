// Shared by the browser tests: the system Chromium, fresh pages that collect problems, helpers.

import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const BASE = process.env.QUANKE_URL;
if (!BASE) throw new Error('QUANKE_URL is not set: run e2e/run.sh, or set it to a running `quanke demo`');

/** The system Chromium, never a downloaded one; Playwright gives it a fresh temporary profile. */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
    ],
  });
}

/** A fresh context (no cookies) and page; `problems` collects console errors and failed loads. */
export async function freshPage(browser, t) {
  const context = await browser.newContext({ baseURL: BASE, locale: 'zh-CN' });
  context.setDefaultTimeout(10_000);
  t.after(() => context.close());
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const where = m.location()?.url ?? '';
    problems.push(`console error: ${m.text()} (${where})`);
  });
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText ?? '';
    // The browser cancels loads still running when the page navigates (the favicon while a
    // form is submitted): nothing failed on the server's side.
    if (why === 'net::ERR_ABORTED') return;
    problems.push(`request failed: ${r.url()} ${why}`);
  });
  page.on('response', (r) => {
    // Documents may carry an error status on purpose (the 403 test); sub-resources must not.
    if (r.status() >= 400 && r.request().resourceType() !== 'document') {
      problems.push(`HTTP ${r.status()}: ${r.url()}`);
    }
  });
  return { page, problems };
}

export function path(page) {
  return new URL(page.url()).pathname;
}

export async function expectVisible(locator, what) {
  await locator.first().waitFor({ state: 'visible' }).catch(() => {});
  assert.ok(await locator.first().isVisible(), `${what} should be visible`);
}

/**
 * The name of the field the page focused on its own. Chromium applies `autofocus` at a rendering
 * step after `load`, so read it once something other than the body has focus (or after 3 s).
 */
export async function autofocused(page) {
  await page
    .waitForFunction(() => document.activeElement && document.activeElement !== document.body, null, { timeout: 3_000 })
    .catch(() => {});
  return page.evaluate(() => document.activeElement?.getAttribute('name') ?? '');
}

export const PASSWORD = 'quanke2026';

/** Signs in through the form (the demo password unless told) and checks the landing page is home. */
export async function signIn(page, user, password = PASSWORD) {
  await page.goto('/login');
  await page.locator('input[name="username"]').fill(user);
  await page.locator('input[name="password"]').fill(password);
  await Promise.all([
    page.waitForEvent('load'),
    page.getByRole('button', { name: '登录', exact: true }).click(),
  ]);
  assert.equal(path(page), '/', `${user} signed in`);
}

/** Whether the page is wider than its window (a horizontal scroll bar). */
export async function overflows(page) {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
}

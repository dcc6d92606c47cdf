// Throwaway walk (not committed): the case page and the portal's tracking at 1366 and 390 px.
import { chromium } from 'playwright-core';
const base = process.env.QUANKE_URL, [number, phone, caseId] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
for (const width of [1366, 390]) {
  const ctx = await browser.newContext({ viewport: { width, height: 900 }, baseURL: base });
  const page = await ctx.newPage();
  await page.goto('/portal/track');
  await page.locator('input[name="number"]').fill(number);
  await page.locator('input[name="phone"]').fill(phone);
  await Promise.all([page.waitForEvent('load'), page.locator('form button[type="submit"], form input[type="submit"]').first().click()]);
  await page.screenshot({ path: `/tmp/walk/track-${width}.png`, fullPage: true });
  console.log('track', width, (await page.locator('main').innerText()).slice(0, 300).replace(/\n/g, ' | '));
  await page.goto('/login');
  await page.locator('input[name="username"]').fill('houtai');
  await page.locator('input[name="password"]').fill('quanke2026');
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: '登录', exact: true }).click()]);
  await page.goto(`/cases/${caseId}`);
  await page.screenshot({ path: `/tmp/walk/case-${width}.png`, fullPage: true });
  console.log('case', width, (await page.locator('main').innerText()).slice(0, 300).replace(/\n/g, ' | '));
  console.log('overflow', await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth));
  await ctx.close();
}
await browser.close();

import { freshPage, launchChromium, signIn } from './browser.mjs';
const browser = await launchChromium();
const t = { after() {} };
for (const [who, pages, width] of [['shequ', ['/', '/grid/events', '/grid/coverage'], 1366], ['wangge', ['/', '/grid/due'], 390]]) {
  const { page } = await freshPage(browser, t);
  await page.setViewportSize({ width, height: 900 });
  await signIn(page, who);
  for (const p of pages) {
    await page.goto(p);
    await page.screenshot({ path: `/tmp/shot-${who}-${p.replace(/\//g, '_')}.png`, fullPage: true });
  }
}
await browser.close();

// Session walk (not a test): screenshots and overflow/console checks at 1366 and 390 px.
import { chromium } from 'playwright-core';
const BASE = process.env.QUANKE_URL;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless','--no-sandbox','--disable-gpu','--no-first-run','--disable-background-networking','--disable-component-update','--disable-sync','--disable-quic'] });
const plan = JSON.parse(process.env.WALK);
for (const [who, pages] of Object.entries(plan)) {
  for (const width of [1366, 390]) {
    const ctx = await browser.newContext({ baseURL: BASE, locale: 'zh-CN', viewport: { width, height: width === 390 ? 844 : 900 } });
    const page = await ctx.newPage();
    const problems = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));
    if (who !== 'resident') {
      await page.goto('/login');
      await page.fill('input[name=username]', who);
      await page.fill('input[name=password]', process.env.PW);
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    }
    for (const p of pages) {
      const r = await page.goto(p);
      const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      const name = `${who}-${width}-${p.replace(/[^a-z0-9]+/gi, '_')}.png`;
      await page.screenshot({ path: `/tmp/walk/shots/${name}`, fullPage: true });
      console.log(`${who} ${width} ${p} -> ${r.status()} overflow=${over}px ${problems.splice(0).join(' | ')}`);
    }
    await ctx.close();
  }
}
await browser.close();

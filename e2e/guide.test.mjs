// The user guide (操作手册) in Chromium: 帮助 on the desk's intake page opens the desk's part at
// the intake section, and the printed part (PDF, A4) carries no navigation: neither the
// header's links nor the contents, only the guide.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { freshPage, launchChromium, path, signIn } from './browser.mjs';

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

test('帮助 on the intake page opens the desk part at the intake section', { timeout: 60_000 }, async (t) => {
  const { page, problems } = await freshPage(browser, t);
  await signIn(page, 'qiantai');
  await page.locator('input[name="who"]').fill('小河路1幢');
  await page.locator('input[name="what"]').fill('八十岁高龄补贴');
  await Promise.all([page.waitForEvent('load'), page.locator('input[name="what"]').press('Enter')]);
  await page.locator('input[name="resident"]').first().check();
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: '高龄津贴申领' }).click()]);
  assert.equal(path(page), '/desk/intake');

  await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: '帮助', exact: true }).click()]);
  assert.equal(path(page), '/help/desk');
  assert.equal(new URL(page.url()).hash, '#intake');
  const section = page.locator('#intake');
  assert.equal(await section.innerText(), '受理');
  assert.ok(await section.isVisible(), 'the section is on screen');
  assert.equal(await page.locator('main h1').innerText(), '前台（窗口受理）操作手册');
  // Its screenshots load (a broken one has no natural width).
  const broken = await page.locator('.manual img').evaluateAll((imgs) => imgs.filter((i) => !i.naturalWidth).length);
  assert.equal(broken, 0, 'every screenshot loads');
  assert.deepEqual(problems, [], 'no console errors or failed requests');
});

test('the printed desk part is A4 pages without navigation', { timeout: 60_000 }, async (t) => {
  const { page, problems } = await freshPage(browser, t);
  await signIn(page, 'qiantai');
  await page.goto('/help/desk');
  const pdf = (await page.pdf({ format: 'A4' })).toString('latin1');
  const sizes = [...pdf.matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)];
  assert.ok(sizes.length > 1, 'the part prints on several pages');
  for (const [, w, h] of sizes) {
    assert.ok(Math.abs(w - 595.9) < 1 && Math.abs(h - 842.9) < 1, `A4 pages, not ${w} × ${h}`);
  }
  // Every link printed becomes a link in the PDF: the header's navigation and the contents
  // would be there, the guide's own text has none.
  const links = [...pdf.matchAll(/\/URI\s*\(([^)]*)\)/g)].map((m) => m[1]);
  assert.deepEqual(links, [], 'no navigation printed');
  assert.doesNotMatch(pdf, /\/Dest\b/, 'no contents printed (links inside the page)');
  // The same on screen as the printer sees it: the guide is there, the navigation is not.
  await page.emulateMedia({ media: 'print' });
  for (const hidden of ['header.top', '.manual-toc', 'button[data-print]', 'footer']) {
    assert.equal(await page.locator(hidden).first().isVisible(), false, `${hidden} does not print`);
  }
  assert.ok(await page.locator('#intake').isVisible(), 'the sections print');
  assert.ok(await page.locator('.manual img').first().isVisible(), 'the screenshots print');
  assert.deepEqual(problems, [], 'no console errors or failed requests');
});

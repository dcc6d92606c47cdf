// The catalogue editor without JSON: a community head creates an item, adds materials as rows
// (one applicable only for an answer chosen from a list), moves a row up, saves; the street
// publishes; the resident's guide shows the materials in that order with the condition in words.
// Run at desktop and phone width. Each run creates its own item, so other files are unaffected.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { freshPage, launchChromium, path, signIn } from './browser.mjs';

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

const SIZES = [
  { width: 1366, height: 900 },
  { width: 390, height: 844 },
];

async function save(page) {
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: '保存草稿' }).click()]);
}

async function fitsTheWidth(page, what) {
  const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(scroll <= inner, `${what}: no horizontal scroll (${scroll} > ${inner})`);
}

/** The materials column of the guide's table, top to bottom. */
async function guideMaterials(page) {
  return page.locator('table.materials tbody tr td:first-child').allInnerTexts();
}

describe('catalogue rows', () => {
  for (const size of SIZES) {
    test(`a head adds and orders materials at ${size.width} px`, { timeout: 120_000 }, async (t) => {
      const code = `E2E-ROWS-${size.width}`;
      const { page, problems } = await freshPage(browser, t);
      await page.setViewportSize(size);
      await signIn(page, 'shequ');

      // A new item with one choice question and one material.
      await page.goto('/catalogue/new');
      const fill = (name, value) => page.locator(`[name="${name}"]`).fill(value);
      await fill('code', code);
      await fill('name', `浏览器测试事项${size.width}`);
      await fill('line', '民政');
      await fill('department', '区民政局');
      await fill('applicants', '本社区居民');
      await fill('kinds', '新办：本社区居民');
      await fill('statutory_days', '10');
      await fill('promised_days', '5');
      await fill('steps', '社区受理\n街道审核');
      await fill('location', '社区服务中心');
      await fill('hours', '工作日 9:00-17:00');
      await fill('consult_phone', '0571-88000001');
      await fill('complaint_phone', '12345');
      await fill('materials[0].name', '申请人居民身份证');
      await fill('materials[0].how_to_obtain', '申请人自备');
      await fill('questions[0].text', '由谁来办理？');
      await fill('questions[0].options[0].label', '本人');
      await page.getByRole('button', { name: '添加选项' }).click();
      await fill('questions[0].options[1].label', '家属代办');
      await save(page);
      assert.equal(path(page), `/catalogue/${code}/draft`, await page.locator('.alert').innerText().catch(() => page.url()));

      // Edit again: the applicability list now offers the question's answers.
      await page.goto(`/catalogue/${code}/edit`);
      await page.getByRole('button', { name: '添加一种材料' }).click();
      await fill('materials[2].name', '代办人居民身份证');
      await fill('materials[2].how_to_obtain', '代办人自备');
      await page.locator('[name="materials[2].when"]').selectOption({ label: '由谁来办理？：家属代办' });
      // Two rows up: above the blank row, then above the ID card.
      const added = page.locator('#f-materials-2');
      await added.getByRole('button', { name: '上移' }).click();
      await page.locator('#f-materials-1').getByRole('button', { name: '上移' }).click();
      assert.equal(await page.locator('[name="materials[0].name"]').inputValue(), '代办人居民身份证');
      assert.equal(await page.locator('#f-materials-0 [data-row-number]').innerText(), '1');
      await fill('change_note', '新增代办人材料');
      await fitsTheWidth(page, 'editor');
      await page.screenshot({ path: `/tmp/quanke-e2e-catalogue-rows-${size.width}.png`, fullPage: true });
      await save(page);
      assert.equal(path(page), `/catalogue/${code}/draft`, await page.locator('.alert').innerText().catch(() => page.url()));

      // The street publishes; the resident's guide lists the materials in the new order.
      const street = await freshPage(browser, t);
      await street.page.setViewportSize(size);
      await signIn(street.page, 'jiedao');
      await street.page.goto(`/catalogue/${code}/draft`);
      await Promise.all([street.page.waitForEvent('load'), street.page.getByRole('button', { name: '发布' }).click()]);
      assert.equal(path(street.page), `/catalogue/${code}`);

      const resident = await freshPage(browser, t);
      await resident.page.setViewportSize(size);
      await resident.page.goto(`/portal/items/${code}`);
      const names = await guideMaterials(resident.page);
      assert.deepEqual(names.map((n) => n.split('\n')[0].replace(/（.*$/, '')), ['代办人居民身份证', '申请人居民身份证']);
      const row = resident.page.locator('table.materials tbody tr').first();
      assert.ok((await row.innerText()).includes('由谁来办理？选“家属代办”时'), await row.innerText());
      await fitsTheWidth(resident.page, 'guide');
      await resident.page.screenshot({ path: `/tmp/quanke-e2e-catalogue-guide-${size.width}.png`, fullPage: true });
      assert.deepEqual([...problems, ...street.problems, ...resident.problems], []);
    });
  }
});

// Case search (办件查询) and the queue's pages in a real Chromium, at desktop and phone width:
// the desk finds a case by the beginning of its number and by the applicant's phone (shown
// masked), and pages through the team queue. The cases it needs are opened through the JSON
// API with the desk's own session, so the test does not rely on other files' state.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { freshPage, launchChromium, path } from './browser.mjs';

const PASSWORD = 'quanke2026';
const PHONE = '13912340000';
const SIZES = [
  { width: 1366, height: 900 },
  { width: 390, height: 844 },
];

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

async function signIn(page, user) {
  await page.goto('/login');
  await page.locator('input[name="username"]').fill(user);
  await page.locator('input[name="password"]').fill(PASSWORD);
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: '登录', exact: true }).click()]);
}

/** Opens `count` 高龄津贴 cases waiting for a material (补正) through the API, the first with
 * PHONE; their numbers. They fill the team queue but no worker's own queue. */
async function openCases(page, count) {
  const csrf = (await page.context().cookies()).find((c) => c.name === 'qk_csrf').value;
  const numbers = [];
  for (let i = 0; i < count; i += 1) {
    const r = await page.request.post('/api/v1/cases', {
      headers: { 'X-CSRF-Token': csrf, 'Idempotency-Key': `e2e-search-${Date.now()}-${i}` },
      data: {
        item_code: 'MZ-GL80',
        answers: { who: ['self'] },
        materials: { 'id-card': 'brought', hukou: 'brought', card: 'missing' },
        applicant_id_number: '330105196001010026',
        applicant_name: '王秀英',
        applicant_phone: i === 0 ? PHONE : '13800138000',
        outcome: 'request_materials',
      },
    });
    assert.ok(r.ok(), `case ${i}: ${r.status()} ${await r.text()}`);
    numbers.push((await r.json()).case.number);
  }
  return numbers;
}

async function fitsTheWidth(page, width) {
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= width, `no horizontal scroll at ${width}px (page is ${wide}px wide)`);
}

async function submit(page, name) {
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name, exact: true }).click()]);
}

test('the desk finds cases by part of a number and by phone, and pages the queue', { timeout: 180_000 }, async (t) => {
  const { page: setup } = await freshPage(browser, t);
  await signIn(setup, 'qiantai');
  const numbers = await openCases(setup, 27);
  const first = numbers[0];

  for (const size of SIZES) {
    const { page, problems } = await freshPage(browser, t);
    await page.setViewportSize(size);
    await signIn(page, 'qiantai');
    await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: '办件查询' }).click()]);
    assert.equal(path(page), '/cases/search');

    // Part of a number: the community and the day; the newest case is on the first page.
    const newest = numbers[numbers.length - 1];
    const part = newest.slice(0, 12);
    await page.getByRole('textbox', { name: '办件编号' }).fill(part.toLowerCase());
    await submit(page, '查询');
    assert.match(await page.locator('#search-summary').innerText(), new RegExp(`编号以 ${part} 开头`));
    await assert.doesNotReject(page.locator('#search-results').getByRole('link', { name: newest }).waitFor());
    await fitsTheWidth(page, size.width);
    await page.screenshot({ path: `/tmp/e2e-case-search-number-${size.width}.png`, fullPage: true });

    // The phone: one case, the number masked.
    await page.goto('/cases/search');
    await page.getByLabel('联系电话').fill('139 1234 0000');
    await submit(page, '查询');
    const results = page.locator('#search-results');
    assert.equal(await results.locator('tbody tr').count(), 1);
    const text = await results.innerText();
    assert.match(text, new RegExp(first));
    assert.match(text, /139\*\*\*\*0000/);
    assert.doesNotMatch(text, /13912340000/);
    await fitsTheWidth(page, size.width);
    await page.screenshot({ path: `/tmp/e2e-case-search-phone-${size.width}.png`, fullPage: true });

    // The team queue pages instead of printing everything.
    await page.goto('/cases?queue=team');
    const rows = page.locator('#queue-list tbody tr');
    assert.equal(await rows.count(), 25);
    const firstPage = await rows.first().innerText();
    await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: '下一页' }).click()]);
    assert.match(page.url(), /after=/);
    assert.ok((await rows.count()) >= 1, 'the second page lists the rest');
    assert.notEqual(await rows.first().innerText(), firstPage);
    await fitsTheWidth(page, size.width);
    await page.screenshot({ path: `/tmp/e2e-case-queue-${size.width}.png`, fullPage: true });
    await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: '上一页' }).click()]);
    assert.equal(await rows.first().innerText(), firstPage);
    assert.deepEqual(problems, []);
  }
});

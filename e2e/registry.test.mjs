// The residents registry (居民信息) in a real Chromium: search with the keyboard, masked results,
// a reveal with a reason that lasts one page, and a ledger import with its dry run, problem
// report download and progress page. Run through e2e/run.sh, which starts `quanke demo`.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { autofocused, expectVisible, freshPage, launchChromium, path } from './browser.mjs';

const PASSWORD = 'quanke2026';
const FULL_ID = /\d{17}[\dX]/;
const MASKED_ID = /\d{6}\*{8}[\dX*]{4}/;

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
  await Promise.all([
    page.waitForEvent('load'),
    page.getByRole('button', { name: '登录', exact: true }).click(),
  ]);
  assert.equal(path(page), '/', `${user} signed in`);
}

/** GB 11643 check character of 17 digits. */
function checkChar(first17) {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * weights[i], 0);
  return '10X98765432'[sum % 11];
}

test('a front-desk worker finds a resident masked and reveals with a reason', { timeout: 90_000 }, async (t) => {
  const { page, problems } = await freshPage(browser, t);
  await signIn(page, 'qiantai');
  await Promise.all([
    page.waitForEvent('load'),
    page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '居民信息' }).click(),
  ]);
  assert.equal(path(page), '/registry');
  assert.equal(await autofocused(page), 'q', 'the search box has focus');

  await page.keyboard.type('小河路1幢');
  await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
  await expectVisible(page.getByText('按地址查找'), 'the kind of search');
  const rows = page.locator('main table tbody tr');
  assert.ok((await rows.count()) > 0, 'results listed');
  const results = await page.locator('main').innerText();
  assert.match(results, MASKED_ID, 'masked ID numbers');
  assert.doesNotMatch(results, FULL_ID, 'no full ID number in the results');

  await Promise.all([page.waitForEvent('load'), rows.first().locator('a').click()]);
  assert.match(path(page), /^\/registry\/people\/\d+$/);
  const personUrl = page.url();
  assert.doesNotMatch(await page.locator('main').innerText(), FULL_ID, 'the person page is masked');

  await page.getByLabel('理由').fill('办理业务核对身份');
  await Promise.all([
    page.waitForEvent('load'),
    page.getByRole('button', { name: '显示完整身份证号和电话' }).click(),
  ]);
  const revealed = await page.locator('main').innerText();
  assert.match(revealed, FULL_ID, 'the full ID number after the reveal');
  const readers = page.locator('#readers');
  assert.match(await readers.innerText(), /陈晓燕（前台社工 · 卖鱼桥社区）[\s\S]*查看完整信息[\s\S]*办理业务核对身份/);

  await page.goto(personUrl);
  assert.doesNotMatch(await page.locator('main').innerText(), FULL_ID, 'masked again on the next view');
  assert.deepEqual(problems, [], 'no console errors or failed requests');
});

test('a community head imports a ledger: dry run, report, valid rows only', { timeout: 90_000 }, async (t) => {
  const { page, problems } = await freshPage(browser, t);
  await signIn(page, 'shequ');
  await page.goto('/registry/import');

  // Born 1990-01-01 with a sequence from the clock: a valid date whatever the time.
  const first17 = `33010519900101${String(Date.now() % 1000).padStart(3, '0')}`;
  const good = first17 + checkChar(first17);
  const bad = first17 + (checkChar(first17) === '0' ? '1' : '0');
  const csv = `姓名,身份证号,联系电话\n浏览器测试,${good},13900000077\n错误行,${bad},13900000078\n`;
  await page.locator('input[name="file"]').setInputFiles({
    name: 'e2e台账.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv, 'utf8'),
  });
  await Promise.all([
    page.waitForEvent('load'),
    page.getByRole('button', { name: '上传并试导入' }).click(),
  ]);
  assert.match(path(page), /^\/registry\/import\/[0-9a-f]{32}$/);
  // The progress page refreshes itself until the dry run is done.
  await page.locator('h1', { hasText: '试导入结果' }).waitFor({ timeout: 30_000 });
  const problemsTable = await page.locator('main table').innerText();
  assert.match(problemsTable, /^3\s+身份证号/m, 'the bad row (row 3) is listed');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: '下载完整问题清单（Excel）' }).click(),
  ]);
  assert.equal(download.suggestedFilename(), 'e2e台账-问题清单.xlsx');

  // The import runs in the background; the job page refreshes itself until it is done, so wait
  // for the outcome rather than for one page load.
  await page.getByRole('button', { name: '只导入无误的行（1 行）' }).click();
  await page.locator('h1', { hasText: '导入完成' }).waitFor({ timeout: 30_000 });
  const counts = await page.locator('#imported').innerText();
  const n = (label) => Number(counts.match(new RegExp(`(\\d+)\\s*${label}`))?.[1] ?? 0);
  assert.equal(n('新增') + n('更新') + n('未变化'), 1, `one row imported: ${counts}`);
  assert.equal(n('有错误未导入'), 1, 'the bad row left out');
  assert.deepEqual(problems, [], 'no console errors or failed requests');
});

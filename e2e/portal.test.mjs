// A resident, with no account, finds a matter by the words they would use, works out what to
// bring, and prints the guide on one A4 page.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { expectVisible, freshPage, launchChromium, path } from './browser.mjs';

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

/** Pages in a PDF produced by Chromium (each page object is "/Type /Page", the tree "/Pages"). */
function pdfPages(pdf) {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
}

test('a resident finds 高龄津贴 in everyday words, gets a checklist and prints the guide', { timeout: 90_000 }, async (t) => {
  const { page, problems } = await freshPage(browser, t);
  await page.goto('/portal');
  await page.locator('input[name="q"]').fill('我妈八十岁了能领什么补贴');
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: '搜索' }).click()]);
  assert.equal(path(page), '/portal/search');

  const first = page.locator('ol.hits li').first();
  await expectVisible(first, 'first search result');
  assert.match(await first.locator('a').innerText(), /高龄津贴/);
  assert.match(await first.locator('.why').innerText(), /八十|高龄|80/, 'the result says why it matched');

  await Promise.all([page.waitForEvent('load'), first.locator('a').click()]);
  assert.match(await page.locator('main h1').first().innerText(), /高龄津贴/);

  // What to bring when a child applies for the parent: the agent's ID card is on the list.
  await page.getByLabel('子女或他人代办').check();
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: '生成我的材料清单' }).click()]);
  assert.match(path(page), /\/checklist$/);
  const list = await page.locator('ol.checklist').innerText();
  assert.match(list, /代办人/);
  await page.goBack();

  // Printed, the page is the guide alone, on one A4 sheet.
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.checklist-form').isVisible(), false, 'the checklist form does not print');
  assert.equal(await page.locator('.guide').isVisible(), true, 'the guide prints');
  const pdf = await page.pdf({ format: 'A4' });
  assert.equal(pdfPages(pdf), 1, 'the guide prints on one page');

  assert.deepEqual(problems, [], 'no console errors or failed requests');
});

test('a question no item answers says so, shows the closest few, the full list and a way to ask the community', { timeout: 60_000 }, async (t) => {
  const { page } = await freshPage(browser, t);
  // “养狗” reads as 养犬登记, which no demo item is: the closest come, said not to be answers.
  await page.goto('/portal/search?q=' + encodeURIComponent('养狗要办证吗'));
  await expectVisible(page.getByText('没有找到对应事项'), 'not-found message');
  await expectVisible(page.getByRole('heading', { name: '最接近的事项' }), 'closest items heading');
  assert.ok((await page.locator('ol.hits li').count()) <= 3, 'at most three closest items');
  await expectVisible(page.getByRole('link', { name: '按类别查看全部事项' }), 'link to all items');
  // The resident asks the community instead (代咨询): the question is already written in.
  await page.getByRole('link', { name: '请社区帮您问' }).click();
  await expectVisible(page.getByRole('heading', { name: '请社区帮您问' }), 'ask form');
  assert.equal(await page.locator('#ask-question').inputValue(), '养狗要办证吗');
  await page.getByLabel('姓名').fill('赵大伯');
  await page.getByLabel('手机号码').fill('13905710001');
  await page.getByLabel('所在社区').selectOption({ index: 1 });
  await page.getByRole('button', { name: '提交问题' }).click();
  await expectVisible(page.getByRole('heading', { name: '问题已提交' }), 'question received');
  assert.match(await page.locator('#case-number').innerText(), /\S/);
  // Nothing in common at all: the plain message.
  await page.goto('/portal/search?q=' + encodeURIComponent('zzqqxx'));
  await expectVisible(page.getByText('没有找到与“zzqqxx”相关的事项'), 'no-result message');
});

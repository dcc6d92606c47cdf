// The desk's intake from the keyboard: the page opens on the first thing to fill, Enter moves
// to the next field instead of sending half a form, and a material that applies only to some
// answer (代办人身份证及委托书, for 代办) is not shown as received before the question is answered.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { autofocused, freshPage, launchChromium, path } from './browser.mjs';

const PASSWORD = 'quanke2026';

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

const focused = (page) => page.evaluate(() => document.activeElement?.getAttribute('name') ?? '');

test('the intake opens on the first field, Enter moves on, conditional materials wait', { timeout: 60_000 }, async (t) => {
  const { page, problems } = await freshPage(browser, t);
  await signIn(page, 'qiantai');
  await page.goto('/desk');
  await page.locator('input[name="who"]').fill('小河路1幢');
  await page.locator('input[name="what"]').fill('八十岁高龄补贴');
  await Promise.all([page.waitForEvent('load'), page.locator('input[name="what"]').press('Enter')]);
  await page.locator('input[name="resident"]').first().check();
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: '高龄津贴申领' }).click()]);
  assert.equal(path(page), '/desk/intake');

  // The one required question is where the desk starts.
  assert.equal(await autofocused(page), 'q.who', 'focus on 由谁来办理？');

  // The 代办 material is not ticked while nobody has said who comes.
  const proxy = page.getByLabel('代办人居民身份证及委托书');
  assert.equal(await proxy.isChecked(), false, 'not received before the question is answered');

  // Enter in the phone box goes to the next field; nothing is sent.
  await page.locator('input[name="phone"]').focus();
  await page.keyboard.type('13800001111');
  await page.keyboard.press('Enter');
  assert.equal(path(page), '/desk/intake', 'Enter did not submit');
  assert.equal(await focused(page), 'kind', 'Enter moved to the next field');
  await page.keyboard.press('Enter');
  assert.equal(await focused(page), 'q.who');

  // Answering shows or hides the 代办 material, ticked only when it applies.
  await page.locator('select[name="q.who"]').selectOption('proxy');
  assert.equal(await proxy.isVisible(), true);
  assert.equal(await proxy.isChecked(), true, 'ticked as brought once it applies');
  await page.locator('select[name="q.who"]').selectOption('self');
  assert.equal(await proxy.isVisible(), false, 'hidden when it does not apply');
  await page.locator('select[name="q.who"]').press('Enter');
  assert.equal(path(page), '/desk/intake', 'Enter on the question did not submit');
  assert.equal(await focused(page), 'have', 'on to the first material');
  assert.equal(await page.locator('input[name="phone"]').inputValue(), '13800001111');
  assert.deepEqual(problems, [], 'no console errors or failed requests');
});

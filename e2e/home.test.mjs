// The community head's home says what needs doing now, and the header's badge counts a new
// online application, at desktop width and on a phone.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { expectVisible, freshPage, launchChromium, overflows, path, signIn } from './browser.mjs';

const SECTIONS = ['#approvals', '#overdue', '#due-soon', '#unassigned', '#intake', '#ratings', '#policy'];

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

/** The unread count in the header (0 without a badge). */
async function unread(page) {
  const badge = page.locator('header #bell .badge');
  return (await badge.count()) ? Number((await badge.innerText()).trim()) : 0;
}

/** How many cases the head's home counts as today's online intake (网上). */
async function onlineToday(page) {
  const row = page.locator('#intake tr', { hasText: '网上' });
  return (await row.count()) ? Number((await row.locator('td').nth(1).innerText()).trim()) : 0;
}

/** A resident applies online for 低保 in 卖鱼桥社区 without signing in; returns the case number. */
async function applyOnline(t, name) {
  const { page, problems } = await freshPage(browser, t);
  await page.goto('/portal/items/MZ-DB01/apply?kind=new&a_who=self&a_special=none&step=2');
  await page.locator('input[name="name"]').fill(name);
  await page.locator('input[name="phone"]').fill('13805712345');
  await page.locator('select[name="community"]').selectOption({ label: '卖鱼桥社区' });
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: '提交申请' }).click()]);
  await expectVisible(page.getByText('申请已提交'), 'the application is confirmed');
  const number = (await page.locator('#case-number').innerText()).trim();
  assert.deepEqual(problems, [], 'no console errors or failed requests on the portal');
  return number;
}

for (const [width, height] of [[1366, 900], [390, 844]]) {
  test(`the head's home shows the work and counts a new online application (${width} px)`, { timeout: 90_000 }, async (t) => {
    const { page, problems } = await freshPage(browser, t);
    await page.setViewportSize({ width, height });
    await signIn(page, 'shequ');
    for (const id of SECTIONS) await expectVisible(page.locator(id), `home section ${id}`);
    // The work, not the accounts: those are on the accounts page.
    assert.equal(await page.getByText('最近安全事件').count(), 0, 'no security log on the head\'s home');
    const before = await unread(page);
    const onlineBefore = await onlineToday(page);

    const number = await applyOnline(t, `测试${width}`);
    await page.reload();
    assert.equal(await unread(page), before + 1, 'the badge counts the new application');
    assert.equal(await onlineToday(page), onlineBefore + 1, "today's online intake counts it");
    assert.equal(await overflows(page), false, `no horizontal scroll at ${width} px`);
    await page.screenshot({ path: `/tmp/quanke-e2e-home-head-${width}.png`, fullPage: true });

    // The badge opens the list; the application is there by number, unread, and opens its case.
    await Promise.all([page.waitForEvent('load'), page.locator('header #bell').click()]);
    assert.equal(path(page), '/notifications');
    const item = page.locator('ul.notes li.unread', { hasText: number });
    await expectVisible(item, `notification of ${number}`);
    assert.equal(await overflows(page), false, `the list fits ${width} px`);
    await page.screenshot({ path: `/tmp/quanke-e2e-notifications-${width}.png`, fullPage: true });
    await Promise.all([page.waitForEvent('load'), item.locator('a').first().click()]);
    assert.match(path(page), /^\/cases\/\d+$/);
    await expectVisible(page.getByText(number), 'the case page');
    assert.equal(await unread(page), before, 'opened, it is read');

    assert.deepEqual(problems, [], 'no console errors or failed requests');
  });
}

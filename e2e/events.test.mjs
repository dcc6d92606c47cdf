// Events (事件) in real Chromium, at phone size (390 × 844): a grid worker reports one from the
// street; the community head files it and dispatches it back to the worker; the worker signs for
// it from today's list and reports what was done; the head checks the result and closes it. The
// page never scrolls sideways, and the timeline names every step.
// Screenshots: /tmp/quanke-e2e-events-*.png.

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

async function shot(page, what) {
  await page.screenshot({ path: `/tmp/quanke-e2e-events-${what}.png`, fullPage: true });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  const viewport = page.viewportSize().width;
  assert.ok(width <= viewport, `${what}: the page is ${width}px wide at ${viewport}px`);
}

async function phone(t, who) {
  const { page, problems } = await freshPage(browser, t);
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, who);
  return { page, problems };
}

/** Presses the step button `label` on the event page, writing `note` in its form first. */
async function take(page, label, note) {
  const form = page.locator('form.step').filter({ has: page.getByRole('button', { name: label, exact: true }) });
  if (note) await form.locator('textarea').fill(note);
  await Promise.all([page.waitForEvent('load'), form.getByRole('button', { name: label, exact: true }).click()]);
  assert.match(await page.locator('[role="status"]').innerText(), /已办理/, `${label} taken`);
}

test('an event goes round the whole loop on the phone', { timeout: 180_000 }, async (t) => {
  const place = `幸福路 ${Date.now() % 100000} 号门口`;
  const worker = await phone(t, 'wangge');
  await worker.page.goto('/grid/events/new');
  await shot(worker.page, 'report-390');
  await worker.page.getByLabel('设施损坏').check();
  await worker.page.getByLabel(/事件地点/).fill(place);
  await worker.page.getByLabel('事件情况').fill('路灯杆倾斜，有倒伏危险');
  await Promise.all([worker.page.waitForEvent('load'), worker.page.getByRole('button', { name: '上报事件' }).click()]);
  assert.match(path(worker.page), /^\/grid\/events\/\d+$/);
  const eventPath = path(worker.page);
  assert.match(await worker.page.locator('.lead').innerText(), /已上报/);
  assert.equal(await worker.page.locator('form.step').count(), 0, 'a grid worker does not file');

  const head = await phone(t, 'shequ');
  await head.page.goto(eventPath);
  await take(head.page, '立案');
  assert.match(await head.page.locator('.lead').innerText(), /已立案.*处置期限/s);
  await head.page.getByLabel('李明').check();
  await take(head.page, '派遣');
  await shot(head.page, 'dispatched-390');

  await worker.page.goto('/grid/due');
  const mine = worker.page.locator('section.panel').filter({ hasText: '我处置的事件' });
  await Promise.all([worker.page.waitForEvent('load'), mine.getByRole('link', { name: '路灯杆倾斜，有倒伏危险' }).click()]);
  assert.equal(path(worker.page), eventPath);
  await take(worker.page, '签收');
  await take(worker.page, '处置反馈', '已联系路灯所扶正加固');
  await shot(worker.page, 'fed-back-390');
  assert.equal(await worker.page.getByRole('button', { name: '核查通过', exact: true }).count(), 1,
    'the button shows; the rule refuses the handler when pressed');
  const refusal = worker.page.locator('form.step').filter({ has: worker.page.getByRole('button', { name: '核查通过', exact: true }) });
  await Promise.all([worker.page.waitForEvent('load'), refusal.getByRole('button', { name: '核查通过', exact: true }).click()]);
  assert.match(await worker.page.locator('.alert').innerText(), /处置人以外/);

  await head.page.goto(eventPath);
  await take(head.page, '核查通过');
  await take(head.page, '结案');
  assert.match(await head.page.locator('.lead').innerText(), /已结案/);
  assert.equal(await head.page.locator('form.step').count(), 0, 'nothing follows 结案');
  const timeline = await head.page.locator('ol.timeline li').allInnerTexts();
  const steps = timeline.map((line) => line.split(' · ')[1]);
  assert.deepEqual(steps, ['上报', '立案', '派遣', '签收', '处置反馈', '核查通过', '结案']);
  assert.match(timeline.join('\n'), /已联系路灯所扶正加固/);
  await shot(head.page, 'closed-390');
  assert.deepEqual(head.problems, []);
  assert.deepEqual(worker.problems.filter((p) => !p.includes('422')), []);
});

test('a failed inspection point opens a 整改 event that the re-inspection closes', { timeout: 180_000 }, async (t) => {
  const worker = await phone(t, 'wangge');
  const page = worker.page;
  await page.goto('/registry/businesses');
  await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: '走访、检查' }).first().click()]);
  assert.match(path(page), /^\/grid\/subjects\/business\/\d+$/);
  const business = path(page);
  const earlier = await page.locator('#inspections li').count();
  await Promise.all([page.waitForEvent('load'), page.locator('#inspections .actions').getByRole('link', { name: '九小场所消防检查' }).click()]);
  await shot(page, 'inspection-390');

  /** Answers every point 合格 but the one whose text matches `failing`. */
  async function answer(failing) {
    const points = page.locator('fieldset.point');
    for (let i = 0; i < await points.count(); i += 1) {
      const point = points.nth(i);
      const fails = failing && (await point.locator('legend').innerText()).includes(failing);
      await point.getByLabel(fails ? '不合格' : '合格', { exact: true }).check();
      if (fails) await point.getByLabel(/说明/).fill('后门堆放纸箱，通道被堵');
    }
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: '保存检查记录' }).click()]);
  }

  await answer('安全出口');
  assert.match(await page.locator('.lead').innerText(), /1 项不合格/);
  assert.match(await page.locator('p.alert').innerText(), /已立案整改事件 \d+/);
  await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: /查看整改事件/ }).click()]);
  assert.match(await page.locator('.lead').innerText(), /已派遣.*处置人：李明/s);
  await shot(page, 'rectification-390');
  const eventPath = path(page);

  await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: '登记复查' }).click()]);
  await answer(null);
  assert.match(await page.locator('.lead').innerText(), /全部合格/);
  assert.match(await page.locator('p.notice').last().innerText(), /整改事件 \d+ 已结案/);
  await page.goto(eventPath);
  assert.match(await page.locator('.lead').innerText(), /已结案/);
  const steps = (await page.locator('ol.timeline li').allInnerTexts()).map((line) => line.split(' · ')[1]);
  assert.deepEqual(steps, ['上报', '立案', '派遣', '复查合格']);
  await page.goto(business);
  const history = await page.locator('#inspections li').allInnerTexts();
  assert.equal(history.length, earlier + 2);
  assert.match(history[0], /（复查）.*全部合格/s);
  assert.match(history[1], /1 项不合格/);
  await shot(page, 'business-390');
  assert.deepEqual(worker.problems, []);
});

test('a resident reports a broken lamp on the portal and the head files it', { timeout: 120_000 }, async (t) => {
  const { page, problems } = await freshPage(browser, t);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/portal');
  await Promise.all([page.waitForEvent('load'), page.getByRole('link', { name: /随手拍/ }).click()]);
  await shot(page, 'portal-report-390');
  await page.getByLabel('所在社区').selectOption({ label: '卖鱼桥社区' });
  await page.getByLabel('设施损坏').check();
  await page.getByLabel('地点').fill('小河路 88 号门口');
  await page.getByLabel('情况').fill('路灯不亮已经一个星期');
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: '提交' }).click()]);
  assert.match(path(page), /^\/portal\/events\/SJ\d+$/);
  const number = path(page).split('/').pop();
  assert.match(await page.locator('h1').innerText(), new RegExp(number));
  assert.match(await page.locator('.lead').innerText(), /设施损坏.*已上报/s);
  await shot(page, 'portal-event-390');
  assert.deepEqual(problems, []);

  const head = await phone(t, 'shequ');
  await head.page.goto('/grid/events');
  const row = head.page.locator('table.due tbody tr').filter({ hasText: '路灯不亮已经一个星期' });
  await Promise.all([head.page.waitForEvent('load'), row.getByRole('link').first().click()]);
  assert.match(await head.page.locator('dl.facts').innerText(), /居民网上上报/);
  await take(head.page, '立案');
  await page.reload();
  assert.match(await page.locator('.lead').innerText(), /已立案/);
  assert.match(await page.locator('dl.facts').innerText(), /处置期限/);
});

test('with no signal an event report is kept on the phone and sent once; a step on an event moved on is shown as a conflict', { timeout: 180_000 }, async (t) => {
  const worker = await phone(t, 'wangge');
  const page = worker.page;
  const summary = `井盖松动 ${Date.now() % 100000}`;
  await page.goto('/grid/events/new');
  await page.context().setOffline(true);
  await page.getByLabel('设施损坏').check();
  await page.getByLabel(/事件地点/).fill('小河路 3 号门口');
  await page.getByLabel('事件情况').fill(summary);
  await page.getByRole('button', { name: '上报事件' }).click();
  await page.locator('#saved-offline').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#offline .count').innerText(), '1');
  await shot(page, 'offline-event-390');
  await page.context().setOffline(false);
  await page.locator('#offline').waitFor({ state: 'hidden' });
  await page.goto('/grid/events');
  assert.equal(await page.locator('table.due tbody tr').filter({ hasText: summary }).count(), 1, 'stored exactly once');

  // Two heads: one files the event while the other's phone, offline, presses 立案 too.
  const head = await phone(t, 'shequ');
  const other = await phone(t, 'shequ');
  await head.page.goto('/grid/events');
  await Promise.all([head.page.waitForEvent('load'),
    head.page.locator('table.due tbody tr').filter({ hasText: summary }).getByRole('link').first().click()]);
  const eventPath = path(head.page);
  await other.page.goto(eventPath);
  await take(head.page, '立案');
  await other.page.context().setOffline(true);
  await other.page.locator('form.step').filter({ has: other.page.getByRole('button', { name: '立案', exact: true }) })
    .getByRole('button', { name: '立案', exact: true }).click();
  await other.page.locator('#saved-offline').waitFor({ state: 'visible' });
  await other.page.context().setOffline(false);
  const kept = other.page.locator('#offline li');
  await kept.filter({ hasText: '未能上传' }).waitFor();
  assert.match(await kept.innerText(), /已被他人办理.*已立案/s);
  await shot(other.page, 'offline-conflict-390');
  await kept.getByRole('button', { name: '删除这条' }).click();
  await other.page.locator('#offline').waitFor({ state: 'hidden' });
  await head.page.reload();
  const steps = (await head.page.locator('ol.timeline li').allInnerTexts()).map((line) => line.split(' · ')[1]);
  assert.deepEqual(steps, ['上报', '立案'], 'filed once');
});

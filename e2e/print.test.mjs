// Every document a resident takes home, printed to PDF in Chromium: exactly one A4 page, with the
// parts an official document needs (issue 12 item 2): the issuing body, a clear space for the
// seal above the date at the lower right, the date written 2026年12月5日, one 经办人, the window's
// address once, a 申请人签收 line, one font family throughout; refusals state the reason, the legal
// basis and the remedies, and never the head's approval remarks. The cases are made here, through
// the desk's pages, with applicants of their own.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { freshPage, launchChromium, path } from './browser.mjs';

const PASSWORD = 'quanke2026';
const ITEM = 'MZ-GL80'; // 高龄津贴: a benefit, so its 办结通知书 carries an amount and a month
const ADDRESS = '社区党群服务中心一楼全科服务窗口';
const REMARK = '内部意见：已电话核实户籍';

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

async function signIn(browser, t, user) {
  const { page, problems } = await freshPage(browser, t);
  await page.goto('/login');
  await page.locator('input[name="username"]').fill(user);
  await page.locator('input[name="password"]').fill(PASSWORD);
  await Promise.all([
    page.waitForEvent('load'),
    page.getByRole('button', { name: '登录', exact: true }).click(),
  ]);
  assert.equal(path(page), '/', `${user} signed in`);
  return { page, problems };
}

/** A valid GB 11643 ID number of someone born in 1940 (80+, for 高龄津贴), different each call. */
let serial = Math.floor(Math.random() * 300);
function idNumber() {
  serial += 1;
  const day = String(1 + (serial % 28)).padStart(2, '0');
  const month = String(1 + (Math.floor(serial / 28) % 12)).padStart(2, '0');
  const body = `330105${1930 + (serial % 10)}${month}${day}${String(serial % 1000).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body].reduce((acc, d, i) => acc + Number(d) * weights[i], 0);
  return body + '10X98765432'[sum % 11];
}

async function csrf(page) {
  const cookies = await page.context().cookies();
  return cookies.find((c) => c.name === 'qk_csrf').value;
}

/** The desk's intake form, sent as the page sends it; answers the printout the desk lands on. */
async function intake(page, outcome, { missing = [], note = '' } = {}) {
  const form = new URLSearchParams({
    _csrf: await csrf(page),
    item: ITEM,
    who: idNumber(),
    name: '打印测试',
    phone: '13900001111',
    kind: 'new',
    'q.who': 'self',
    key: `print-${outcome}-${serial}`,
    outcome,
    channel: 'desk',
    note,
  });
  for (const m of ['id-card', 'hukou', 'card']) {
    form.append('material', m);
    if (!missing.includes(m)) form.append('have', m);
  }
  // Repeated fields (material, have) as the browser sends them.
  const r = await page.request.post('/desk/cases', {
    data: form.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    maxRedirects: 0,
  });
  assert.equal(r.status(), 303, `intake ${outcome}: ${r.status()} ${await r.text()}`);
  return r.headers().location;
}

/** A case page action, sent as its multipart form is. */
async function act(page, caseId, fields) {
  const r = await page.request.post(`/cases/${caseId}/act?_csrf=${await csrf(page)}`, {
    multipart: fields,
    maxRedirects: 0,
  });
  assert.equal(r.status(), 303, `${fields.action}: ${r.status()} ${await r.text()}`);
  return r.headers().location;
}

/** The printout as paper: one A4 page, and the parts every document needs. */
async function checkPrintout(page, url, title) {
  await page.goto(url);
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('#print-title').innerText(), title);
  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-z])/g) ?? [];
  assert.equal(pages.length, 1, `${title} prints on exactly one A4 page`);

  const text = await page.locator('body').innerText();
  assert.equal(await page.locator('.noprint').isVisible(), false, 'the print button is not printed');
  assert.match(await page.locator('#issuer-body').innerText(), /街道.+社区$/, `${title}: the issuing body`);
  assert.match(await page.locator('#issued-on').innerText(), /^\d{4}年[1-9]\d?月[1-9]\d?日$/, `${title}: the date`);
  assert.doesNotMatch(text, /\d{4}-\d{2}-\d{2}/, `${title}: no ISO dates`);
  const seal = await page.locator('#seal-space').boundingBox();
  const date = await page.locator('#issued-on').boundingBox();
  const width = await page.evaluate(() => document.documentElement.clientWidth);
  assert.ok(seal.height >= 100, `${title}: the seal space is about 4 cm high (${seal.height}px)`);
  assert.ok(seal.y + seal.height <= date.y + 1, `${title}: the seal space is above the date`);
  assert.ok(seal.x > width / 2 && date.x > width / 2, `${title}: seal and date at the right`);
  assert.match(await page.locator('#acknowledge').innerText(), /^申请人签收：\s*日期：\s*$/, `${title}: the 签收 line`);
  assert.equal(text.split('经办人').length - 1, 1, `${title}: exactly one 经办人`);
  assert.equal(text.split(ADDRESS).length - 1, 1, `${title}: the window's address once`);
  assert.ok(!text.includes(REMARK) && !text.includes('审批'), `${title}: no approval remarks`);
  const families = await page.evaluate(() =>
    [...new Set([...document.querySelectorAll('body, body *')].map((e) => getComputedStyle(e).fontFamily))]);
  assert.equal(families.length, 1, `${title}: one font family, got ${families.join(' | ')}`);
  await page.emulateMedia({ media: 'screen' });
  return text;
}

function caseIdOf(url) {
  return url.match(/^\/cases\/(\d+)\//)[1];
}

test('every printout is one A4 page with the parts of an official document', { timeout: 180_000 }, async (t) => {
  const { page: desk, problems } = await signIn(browser, t, 'qiantai');

  // 一次性告知书: one material missing.
  const notice = await intake(desk, 'request_materials', { missing: ['card'] });
  assert.match(notice, /\/print\/notice$/);
  await checkPrintout(desk, notice, '一次性告知书');

  // 受理回执: everything brought.
  const receipt = await intake(desk, 'accept');
  assert.match(receipt, /\/print\/receipt$/);
  await checkPrintout(desk, receipt, '受理回执');

  // 不予受理告知书: the desk refuses, the head approves with a remark for the office.
  const refusedAt = await intake(desk, 'reject', { note: '户籍不在本区，请到户籍所在地社区申请' });
  const refusedId = refusedAt.match(/^\/cases\/(\d+)$/)[1];
  const { page: head } = await signIn(browser, t, 'shequ');
  await head.goto(`/cases/${refusedId}`);
  await head.locator('#approval input[name="answer"]').fill(REMARK);
  await Promise.all([head.waitForEvent('load'), head.getByRole('button', { name: '同意', exact: true }).click()]);
  const refusal = await checkPrintout(head, `/cases/${refusedId}/print/refusal`, '不予受理告知书');
  assert.match(refusal, /户籍不在本区，请到户籍所在地社区申请/);
  assert.match(refusal, /法律依据：《中华人民共和国老年人权益保障法》/);
  assert.match(await head.locator('#remedies').innerText(),
    /60 日内向.+人民政府申请行政复议.+6 个月内向.+人民法院提起行政诉讼/);

  // 办结通知书, 准予 with the amount and the month; and 不予 with the reason and remedies.
  const { page: back } = await signIn(browser, t, 'houtai');
  const grantedId = caseIdOf(receipt);
  await act(back, grantedId, { action: 'start' });
  const granted = await act(back, grantedId, {
    action: 'complete', result: 'granted', result_amount: '200', result_month: '2026-12',
  });
  assert.match(granted, /\/print\/completion$/);
  const grantText = await checkPrintout(back, granted, '办结通知书');
  assert.match(grantText, /准予/);
  assert.match(grantText, /200\.00 元/);
  assert.match(grantText, /2026年12月/);

  const second = await intake(desk, 'accept');
  const refusedEndId = caseIdOf(second);
  await act(back, refusedEndId, { action: 'start' });
  const refusedEnd = await act(back, refusedEndId, {
    action: 'complete', result: 'refused', result_reason: '经核实申请人未满 80 周岁',
  });
  const refusedText = await checkPrintout(back, refusedEnd, '办结通知书');
  assert.match(refusedText, /不予/);
  assert.match(refusedText, /经核实申请人未满 80 周岁/);
  assert.match(refusedText, /法律依据：/);
  assert.match(await back.locator('#remedies').innerText(), /行政复议.+行政诉讼/);

  assert.deepEqual(problems, [], 'no console errors or failed requests');
});

// The user guide's screenshots (操作手册, crates/web/guide/img), taken from a running `quanke demo`
// (started by guide-shots.sh). Each role signs in and walks the pages its part of the guide
// shows; the example records those pages need (a 补正, an accepted case, a refusal waiting for
// approval, an online application) are made here first, through the pages, as people would.
//
//   QUANKE_URL=http://127.0.0.1:8080 node guide-shots.mjs OUTPUT-DIR
//
// Nothing is skipped: a page or control that is not there is reported by name, every other
// screenshot is still taken, and the run exits 1 with the list, so a changed page is noticed.

import { mkdir, rm, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { launchChromium, signIn, BASE } from './browser.mjs';

const out = process.argv[2];
if (!out) throw new Error('usage: node guide-shots.mjs OUTPUT-DIR');

const DESKTOP = { width: 1366, height: 900 };
const PHONE = { width: 390, height: 844 };
/** A screenshot taller than this is cut: the guide shows the part that matters. */
const MAX_HEIGHT = 620;

const missing = [];
const taken = [];

/** Runs one step of the walk; a failure is recorded with what the guide needed, not thrown. */
async function step(what, fn) {
  try {
    await fn();
  } catch (e) {
    missing.push(`${what}: ${String(e.message).split('\n')[0]}`);
  }
}

/** The element the guide shows, which must be on the page. */
async function need(page, selector, what) {
  const loc = typeof selector === 'string' ? page.locator(selector).first() : selector.first();
  try {
    await loc.waitFor({ state: 'visible', timeout: 5000 });
  } catch {
    throw new Error(`${page.url()} 上没有「${what}」`);
  }
  return loc;
}

/** Opens a page and checks it answered 200. */
async function open(page, path) {
  const r = await page.goto(path);
  if (!r || r.status() !== 200) throw new Error(`${path} 答复 ${r?.status()}，不是 200`);
}

/** Clicks something that loads a new page. */
async function go(page, locator, what) {
  const loc = await need(page, locator, what);
  await Promise.all([page.waitForEvent('load'), loc.click()]);
}

/** A screenshot of `selector` (the page's main part by default), cut at MAX_HEIGHT. */
async function shot(page, name, selector = 'main', what = '页面正文') {
  const loc = await need(page, selector, what);
  await page.evaluate(() => window.scrollTo(0, 0));
  await loc.scrollIntoViewIfNeeded();
  const box = await loc.boundingBox();
  const scroll = await page.evaluate(() => ({ x: window.scrollX, y: window.scrollY }));
  const clip = {
    x: Math.max(0, box.x + scroll.x),
    y: Math.max(0, box.y + scroll.y),
    width: Math.min(box.width, page.viewportSize().width),
    height: Math.min(box.height, MAX_HEIGHT),
  };
  await page.screenshot({ path: join(out, `${name}.png`), clip, fullPage: true, animations: 'disabled' });
  taken.push(name);
}

/** The page header and the top of the page: where the navigation and 帮助 are. */
const TOP = 'body';

async function newPage(browser, viewport) {
  const context = await browser.newContext({ baseURL: BASE, locale: 'zh-CN', viewport, deviceScaleFactor: 1 });
  context.setDefaultTimeout(10_000);
  return context.newPage();
}

async function staff(browser, user, viewport = DESKTOP) {
  const page = await newPage(browser, viewport);
  await signIn(page, user);
  return page;
}

/** The desk takes in 高龄津贴 for a resident of 小河路1幢 and answers the page it lands on. */
async function intake(page, button, { missing: lacking = [], note = '' } = {}) {
  await open(page, '/desk');
  await page.locator('input[name="who"]').fill('小河路1幢');
  await page.locator('input[name="what"]').fill('八十岁高龄补贴');
  await Promise.all([page.waitForEvent('load'), page.locator('input[name="what"]').press('Enter')]);
  await (await need(page, 'input[name="resident"]', '查找到的居民')).check();
  await go(page, page.getByRole('button', { name: '高龄津贴申领' }), '事项“高龄津贴申领”');
  await page.getByLabel('由谁来办理？').selectOption('self');
  for (const m of lacking) await page.getByLabel(m).uncheck();
  if (note) await page.getByLabel(/^说明/).fill(note);
  await go(page, page.getByRole('button', { name: button }), `按钮“${button}”`);
  return new URL(page.url()).pathname.replace(/\/print\/\w+$/, '');
}

/** Next month as YYYY-MM: when a benefit granted today starts. */
function nextMonth() {
  const d = new Date();
  d.setMonth(d.getMonth() + 1, 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

async function desk(browser, cases) {
  const page = await staff(browser, 'qiantai');
  await step('前台首页', () => shot(page, 'desk-home', TOP));
  await step('查找居民和事项', async () => {
    await open(page, '/desk');
    await page.locator('input[name="who"]').fill('小河路1幢');
    await page.locator('input[name="what"]').fill('八十岁高龄补贴');
    await Promise.all([page.waitForEvent('load'), page.locator('input[name="what"]').press('Enter')]);
    await need(page, 'input[name="resident"]', '查找到的居民');
    await shot(page, 'desk-find');
    await (await need(page, 'input[name="resident"]', '查找到的居民')).check();
    await go(page, page.getByRole('button', { name: '高龄津贴申领' }), '事项“高龄津贴申领”');
    await page.getByLabel('由谁来办理？').selectOption('self');
    await page.getByLabel('老年人本人社会保障卡（市民卡）').uncheck();
    await shot(page, 'desk-intake');
  });
  await step('补正：一次性告知书', async () => {
    cases.notice = await intake(page, /^补正/, { missing: ['老年人本人社会保障卡（市民卡）'] });
    await shot(page, 'desk-notice', 'body');
  });
  await step('办件页：补齐受理', async () => {
    await open(page, cases.notice);
    await need(page, page.getByRole('button', { name: '补齐受理' }), '按钮“补齐受理”');
    await shot(page, 'desk-case');
    await go(page, page.getByRole('button', { name: '补齐受理' }), '按钮“补齐受理”');
    await shot(page, 'desk-receipt', 'body');
    cases.accepted = cases.notice;
  });
  await step('不予受理（报社区负责人审批）', async () => {
    cases.refused = await intake(page, '不予受理', {
      note: '申请人未满八十周岁，不符合高龄津贴申领条件；满八十周岁当月可再来申请。',
    });
  });
  await step('办件列表', async () => {
    await open(page, '/cases?queue=team');
    await shot(page, 'desk-cases');
  });
  await step('办件查询', async () => {
    await open(page, '/cases/search?state=delivered');
    await need(page, 'main table tbody tr', '查询结果');
    await shot(page, 'desk-search');
  });
  await step('通知', async () => {
    await open(page, '/notifications');
    await need(page, 'main a[href^="/notifications/"]', '一条通知');
    await shot(page, 'desk-notifications');
  });
  await step('居民信息', async () => {
    await open(page, '/registry?q=' + encodeURIComponent('小河路'));
    await need(page, 'main table tbody tr', '查询结果');
    await shot(page, 'desk-registry');
  });
  await step('办事指南', async () => {
    await open(page, '/catalogue');
    await go(page, page.getByRole('link', { name: '高龄津贴申领' }), '事项“高龄津贴申领”');
    await shot(page, 'desk-catalogue');
  });
  await step('政策变化', async () => {
    await open(page, '/notices');
    await shot(page, 'desk-notices');
  });
  await page.context().close();
}

async function backOffice(browser, cases) {
  const page = await staff(browser, 'houtai');
  await step('后台首页', () => shot(page, 'back-home', TOP));
  await step('办件队列', async () => {
    await open(page, '/cases?queue=team');
    await shot(page, 'back-queues');
  });
  await step('办理一件', async () => {
    if (!cases.accepted) throw new Error('前台没有受理成功的办件可供办理');
    await open(page, cases.accepted);
    await go(page, page.getByRole('button', { name: '开始办理', exact: true }), '按钮“开始办理”');
    await shot(page, 'back-handle', '#actions', '“办理”一栏');
    await shot(page, 'back-case');
  });
  await step('办结：办理结果和办结通知书', async () => {
    if (!cases.accepted) throw new Error('前台没有受理成功的办件可供办结');
    await open(page, cases.accepted);
    await (await need(page, 'input[name="result"][value="granted"]', '“准予”')).check();
    await (await need(page, 'input[name="result_amount"]', '待遇金额')).fill('200');
    await (await need(page, 'input[name="result_month"]', '起始月份')).fill(nextMonth());
    await go(page, page.getByRole('button', { name: '办结', exact: true }), '按钮“办结”');
    await shot(page, 'back-completion', 'body');
  });
  await page.context().close();
}

async function grid(browser) {
  const page = await staff(browser, 'wangge', PHONE);
  await step('网格员首页（手机）', () => shot(page, 'grid-home-phone', TOP));
  await step('本网格居民（手机）', async () => {
    await open(page, '/registry?q=' + encodeURIComponent('独居老人'));
    await need(page, 'main table tbody tr', '查询结果');
    await shot(page, 'grid-residents-phone');
    await go(page, page.locator('main table tbody tr a'), '居民姓名链接');
    await shot(page, 'grid-person-phone');
  });
  await step('待走访名单（手机）', async () => {
    await open(page, '/grid/due');
    await need(page, 'table.due tbody tr', '待走访的对象');
    await shot(page, 'grid-due-phone');
  });
  await step('商户和单位', async () => {
    await page.setViewportSize(DESKTOP);
    await open(page, '/registry/businesses');
    await shot(page, 'grid-businesses');
  });
  await step('代办（手机）', async () => {
    await page.setViewportSize(PHONE);
    await open(page, '/desk');
    await page.locator('input[name="who"]').fill('独居老人');
    await page.locator('input[name="what"]').fill('八十岁高龄补贴');
    await Promise.all([page.waitForEvent('load'), page.locator('input[name="what"]').press('Enter')]);
    await (await need(page, 'input[name="resident"]', '查找到的居民')).check();
    await go(page, page.getByRole('button', { name: '高龄津贴申领' }), '事项“高龄津贴申领”');
    await shot(page, 'grid-proxy-phone', '[aria-label="代办授权"]', '网格代办授权');
  });
  await step('代咨询：办事指南', async () => {
    await open(page, '/catalogue');
    await shot(page, 'grid-consult-phone');
  });
  await page.context().close();
}

async function head(browser, cases) {
  const page = await staff(browser, 'shequ');
  await step('社区负责人首页', () => shot(page, 'head-home', TOP));
  await step('审批不予受理', async () => {
    if (!cases.refused) throw new Error('前台没有报审批的不予受理办件');
    await open(page, cases.refused);
    await shot(page, 'head-approve', page.locator('section, form').filter({ hasText: '同意' }), '审批意见和“同意”按钮');
  });
  await step('分派和办件队列', async () => {
    await open(page, '/cases?queue=unassigned');
    await shot(page, 'head-queues');
  });
  await step('办件统计', async () => {
    await open(page, '/cases/reports');
    await shot(page, 'head-reports');
  });
  await step('政策变化确认情况', async () => {
    await open(page, '/notices/status');
    await shot(page, 'head-notices');
  });
  await step('编辑办事指南', async () => {
    await open(page, '/catalogue/new');
    await shot(page, 'head-catalogue-edit');
  });
  await step('人员账号', async () => {
    await open(page, '/admin/users');
    await shot(page, 'head-users');
  });
  await step('导入居民台账', async () => {
    await open(page, '/registry/import');
    await shot(page, 'head-import');
  });
  await page.context().close();
}

async function street(browser) {
  const page = await staff(browser, 'jiedao');
  await step('街道管理员首页', () => shot(page, 'street-home', TOP));
  await step('组织架构', async () => {
    await open(page, '/admin/orgs');
    await shot(page, 'street-orgs');
  });
  await step('账号页', async () => {
    await open(page, '/admin/users');
    await go(page, page.getByRole('row', { name: /qiantai/ }).getByRole('link'), '账号 qiantai（陈晓燕）');
    await shot(page, 'street-user');
  });
  await step('发布办事指南：导入', async () => {
    await open(page, '/catalogue/import');
    await shot(page, 'street-import');
  });
  await step('工作日历', async () => {
    await open(page, '/admin/calendar');
    await shot(page, 'street-calendar');
  });
  await step('办件统计', async () => {
    await open(page, '/cases/reports');
    await shot(page, 'street-reports');
  });
  await step('系统对接', async () => {
    await open(page, '/admin/open311');
    await shot(page, 'street-partners');
  });
  await step('安全审计', async () => {
    await open(page, '/admin/audit');
    await shot(page, 'street-audit');
  });
  await page.context().close();
}

async function resident(browser) {
  const page = await newPage(browser, PHONE);
  let number = '';
  await step('网上办事首页（手机）', async () => {
    await open(page, '/portal');
    await shot(page, 'resident-home-phone', TOP);
  });
  await step('搜索事项（手机）', async () => {
    await page.locator('input[name="q"]').fill('我妈八十岁了能领什么补贴');
    await go(page, page.getByRole('button', { name: '搜索' }), '按钮“搜索”');
    await shot(page, 'resident-search-phone');
    await go(page, page.locator('ol.hits li a'), '搜索结果');
    await shot(page, 'resident-guide-phone');
  });
  await step('材料清单（手机）', async () => {
    await (await need(page, page.getByLabel('子女或他人代办'), '选项“子女或他人代办”')).check();
    await go(page, page.getByRole('button', { name: '生成我的材料清单' }), '按钮“生成我的材料清单”');
    await shot(page, 'resident-checklist-phone');
  });
  await step('网上申请', async () => {
    await page.setViewportSize(DESKTOP);
    await open(page, '/portal/items/MZ-GL80/apply');
    // The first choice of every question, as a resident would answer.
    for (const set of await page.locator('form fieldset').all()) await set.locator('input').first().check();
    await go(page, page.getByRole('button', { name: '下一步：准备材料' }), '按钮“下一步：准备材料”');
    await page.getByLabel(/^姓名/).fill('王秀英');
    await page.getByLabel(/^手机号码/).fill('13905710000');
    await page.locator('select[name="community"]').selectOption({ label: '卖鱼桥社区' });
    await shot(page, 'resident-apply');
    await go(page, page.getByRole('button', { name: '提交申请' }), '按钮“提交申请”');
    number = (await (await need(page, '#case-number', '办件编号')).innerText()).trim();
    await page.setViewportSize(PHONE);
    await shot(page, 'resident-applied-phone');
  });
  await step('办件查询（手机）', async () => {
    await open(page, '/portal/track');
    await page.getByLabel(/^办件编号/).fill(number);
    await page.getByLabel(/^手机号码/).fill('13905710000');
    await go(page, page.getByRole('button', { name: '查询' }), '按钮“查询”');
    await shot(page, 'resident-track-phone');
  });
  await page.context().close();
}

/** Old screenshots go first, so that none the walk no longer takes stays behind unnoticed. */
async function clear() {
  await mkdir(out, { recursive: true });
  for (const f of await readdir(out)) if (f.endsWith('.png')) await rm(join(out, f));
}

await clear();
const browser = await launchChromium();
try {
  const cases = {};
  await desk(browser, cases);
  await backOffice(browser, cases);
  await grid(browser);
  await head(browser, cases);
  await street(browser);
  await resident(browser);
} finally {
  await browser.close();
}

let total = 0;
for (const name of taken) total += (await stat(join(out, `${name}.png`))).size;
console.log(`guide-shots: ${taken.length} screenshots, ${Math.round(total / 1024)} KiB, in ${out}`);
if (missing.length) {
  console.error(`\nguide-shots: ${missing.length} screenshot(s) could not be taken; the guide needs them:`);
  for (const m of missing) console.error(`  - ${m}`);
  console.error('Fix the page, or change the walk (e2e/guide-shots.mjs) and the guide (crates/web/guide/*.md) together.');
  process.exit(1);
}

// Sign in as each demo role in a real Chromium and see that role's home page.
// Run through e2e/run.sh, which starts `quanke demo` and sets QUANKE_URL.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { expectVisible, freshPage, launchChromium, path } from './browser.mjs';
const PASSWORD = 'quanke2026';
const SCREENSHOT = '/tmp/quanke-e2e-head.png';

const ADMIN_LINKS = [
  ['/admin/orgs', '组织架构'],
  ['/admin/users', '人员账号'],
  ['/admin/audit', '安全审计'],
];

// username, role label in the header, home marker, heading text the home's h1 starts with,
// and whether the role sees the administration links.
const ROLES = [
  { user: 'qiantai', label: '前台社工', marker: '#desk', h1: '受理台', admin: false },
  { user: 'houtai', label: '后台社工', marker: '#queue', h1: '后台办理', admin: false },
  { user: 'wangge', label: '网格员', marker: '#grid', h1: '我的网格', admin: false },
  { user: 'shequ', label: '社区负责人', marker: 'h1#dashboard', h1: '工作台', admin: true },
  { user: 'jiedao', label: '街道管理员', marker: 'h1#dashboard', h1: '工作台', admin: true },
  { user: 'admin', label: '系统管理员', marker: 'h1#system', h1: '系统管理', admin: true },
];

let browser;

before(async () => {
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
});

async function signIn(page, user, password = PASSWORD) {
  const res = await page.goto('/login');
  assert.equal(res.status(), 200, 'GET /login');
  await page.locator('input[name="username"]').fill(user);
  await page.locator('input[name="password"]').fill(password);
  assert.equal(await page.locator('input[name="_csrf"]').count(), 1, 'login form has a _csrf field');
  // The form posts and the server answers with a redirect or the form again: either way a new
  // document loads.
  await Promise.all([
    page.waitForEvent('load'),
    page.getByRole('button', { name: '登录', exact: true }).click(),
  ]);
}

describe('each demo role signs in and sees its home page', () => {
  for (const r of ROLES) {
    test(`${r.user} (${r.label})`, { timeout: 60_000 }, async (t) => {
      const { page, problems } = await freshPage(browser, t);
      await signIn(page, r.user);
      assert.equal(path(page), '/', `after sign-in ${r.user} lands on / (got ${page.url()})`);

      await expectVisible(page.locator(r.marker), `home marker ${r.marker}`);
      const h1 = (await page.locator('main h1').first().innerText()).trim();
      assert.ok(h1.startsWith(r.h1), `h1 "${h1}" should start with "${r.h1}"`);

      const header = page.locator('header');
      await expectVisible(header.getByText(r.label, { exact: true }), `role label ${r.label} in header`);

      const nav = page.getByRole('navigation', { name: '主导航' });
      await expectVisible(nav, 'main navigation');
      for (const [href, label] of ADMIN_LINKS) {
        const link = nav.locator(`a[href="${href}"]`);
        if (r.admin) {
          assert.equal(await link.count(), 1, `${r.user} should see the ${label} link`);
          assert.equal((await link.innerText()).trim(), label);
          assert.ok(await link.isVisible(), `${label} link visible`);
        } else {
          assert.equal(await link.count(), 0, `${r.user} should not see the ${label} link`);
        }
      }

      if (r.user === 'shequ') {
        await page.screenshot({ path: SCREENSHOT, fullPage: true });
      }

      await Promise.all([
        page.waitForEvent('load'),
        header.getByRole('button', { name: '退出', exact: true }).click(),
      ]);
      assert.equal(path(page), '/login', 'sign-out returns to /login');
      await expectVisible(page.getByRole('button', { name: '登录', exact: true }), 'sign-in button');

      // The session is really gone: the home page sends us back to sign in.
      await page.goto('/');
      assert.equal(path(page), '/login', 'after sign-out / asks to sign in again');

      assert.deepEqual(problems, [], 'no console errors or failed requests');
    });
  }
});

test('a front-desk worker gets 403 无权访问 at /admin/users', { timeout: 60_000 }, async (t) => {
  const { page } = await freshPage(browser, t);
  await signIn(page, 'qiantai');
  assert.equal(path(page), '/');
  const res = await page.goto('/admin/users');
  assert.equal(res.status(), 403, 'GET /admin/users as qiantai');
  await expectVisible(page.locator('main h1', { hasText: '无权访问' }), '无权访问 heading');
});

test('a wrong password shows 用户名或密码错误', { timeout: 60_000 }, async (t) => {
  const { page } = await freshPage(browser, t);
  await signIn(page, 'jiedao', 'not-the-password');
  assert.equal(path(page), '/login', 'stays on the sign-in page');
  const alert = page.getByRole('alert');
  await expectVisible(alert, 'error message');
  assert.match(await alert.innerText(), /用户名或密码错误/);
  // No session was started.
  const cookies = await page.context().cookies();
  await page.goto('/');
  assert.equal(path(page), '/login', `no session after a wrong password (cookies: ${cookies.map((c) => c.name)})`);
});

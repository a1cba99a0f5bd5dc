// Accounts in the browser: redirects, register, login, logout, CSP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, newPage, e2e, uniqueName, signUp, logIn, PASSWORD } from './harness.js';

let stack;
before(async () => { stack = await startStack({ devllm: false }); });
after(async () => { await stack?.stop(); });
const it = (name, fn) => test(name, e2e(() => stack, fn));

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
  + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

function assertSecurityHeaders(res, what) {
  assert.ok(res, `${what}: no response`);
  const h = res.headers();
  assert.equal(h['content-security-policy'], CSP, `${what}: CSP header`);
  assert.equal(h['x-content-type-options'], 'nosniff', `${what}: nosniff`);
  assert.ok(h['referrer-policy'], `${what}: Referrer-Policy`);
}

it('logged-out visits to pages redirect to /login', async () => {
  const ctx = await stack.browser.newContext();
  const page = await newPage(ctx);
  for (const [path, want] of [['/', '/login'], ['/settings', '/login?next=%2Fsettings'],
    ['/usage', '/login?next=%2Fusage'], ['/admin', '/login?next=%2Fadmin']]) {
    const res = await page.goto(stack.url + path);
    assert.equal(new URL(page.url()).pathname + new URL(page.url()).search, want, `GET ${path}`);
    assertSecurityHeaders(res, path);
    const redirect = await res.request().redirectedFrom()?.response();
    assert.ok(redirect, `${path} was redirected by the server, not by script`);
    assert.equal(redirect.status(), 303);
    assertSecurityHeaders(redirect, `${path} (redirect)`);
  }
  await page.getByRole('heading', { name: 'Log in' }).waitFor();
  assert.deepEqual(page.seen.csp, []);
  assert.deepEqual(page.seen.errors, []);
  await ctx.close();
});

it('register shows errors, then login lands on the chat', async () => {
  const ctx = await stack.browser.newContext();
  const page = await newPage(ctx);
  const name = uniqueName('reg');

  await page.goto(stack.url + '/register');
  await page.getByLabel('Username').fill(name);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Repeat password').fill(PASSWORD + 'x');
  await page.getByRole('button', { name: 'Create account' }).click();
  await assertAlert(page, /do not match/);

  await page.getByLabel('Username').fill('x');
  await page.getByLabel('Repeat password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await assertAlert(page, /3 to 32/);

  await page.getByLabel('Username').fill(name);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(stack.url + '/login');
  await page.getByText('Your account was created').waitFor();
  assert.equal(await page.getByLabel('Username').inputValue(), name);

  // The same name again, in other letter case: taken.
  await page.goto(stack.url + '/register');
  await page.getByLabel('Username').fill(name.toUpperCase());
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Repeat password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await assertAlert(page, /taken/);

  await page.goto(stack.url + '/login');
  await page.getByLabel('Username').fill(name);
  await page.getByLabel('Password').fill('wrong-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await assertAlert(page, /Wrong username or password/);

  await logIn(page, stack, name, PASSWORD, false);
  assert.equal(new URL(page.url()).pathname, '/');
  await page.getByRole('heading', { name: 'New chat' }).waitFor();
  assert.equal(await page.locator('#username').textContent(), name);
  assert.deepEqual(page.seen.csp, []);
  assert.deepEqual(page.seen.errors, []);
  await ctx.close();
});

async function assertAlert(page, re) {
  const alert = page.locator('.form-error:not([hidden])');
  await alert.waitFor();
  assert.match(await alert.textContent(), re);
}

it('login follows ?next= only to own pages', async () => {
  const ctx = await stack.browser.newContext();
  const page = await newPage(ctx);
  const name = uniqueName('next');
  await signUp(page, stack, name);
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL(stack.url + '/login');

  await page.goto(stack.url + '/usage');
  await page.waitForURL(/\/login\?next=%2Fusage$/);
  await logIn(page, stack, name, PASSWORD, false);
  assert.equal(new URL(page.url()).pathname, '/usage');

  // Logged in, /login goes on at once; a foreign target is ignored.
  await page.goto(stack.url + '/login?next=//evil.example/x');
  assert.equal(page.url(), stack.url + '/');
  await ctx.close();
});

it('logout ends the session; / then redirects to /login', async () => {
  const ctx = await stack.browser.newContext();
  const page = await newPage(ctx);
  await signUp(page, stack, uniqueName('out'));
  const before = (await ctx.cookies()).find((c) => c.name === 'gptbot_session');
  assert.ok(before?.httpOnly, 'session cookie is HttpOnly');
  assert.equal(before.sameSite, 'Lax');

  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL(stack.url + '/login');
  await page.goto(stack.url + '/');
  assert.equal(new URL(page.url()).pathname, '/login');

  // The old cookie is dead on the server too, not just deleted here.
  await ctx.addCookies([{ ...before }]);
  await page.goto(stack.url + '/settings');
  assert.equal(new URL(page.url()).pathname, '/login');
  await ctx.close();
});

it('pages carry the CSP and cause no CSP violations or script errors', async () => {
  const ctx = await stack.browser.newContext();
  const page = await newPage(ctx);
  await signUp(page, stack, uniqueName('csp'));
  for (const path of ['/', '/settings', '/usage']) {
    const res = await page.goto(stack.url + path);
    assert.equal(res.status(), 200, path);
    assertSecurityHeaders(res, path);
    assert.equal(res.headers()['cache-control'], 'no-store', `${path} is not cached`);
    await page.waitForLoadState('networkidle');
  }
  // A non-admin gets a 403 page for /admin, with the same headers.
  const res = await page.goto(stack.url + '/admin');
  assert.equal(res.status(), 403);
  assertSecurityHeaders(res, '/admin');
  await page.getByText('administrators only').waitFor();

  const js = await page.request.get(stack.url + '/static/js/chat.js');
  assert.equal(js.headers()['content-type'], 'text/javascript; charset=utf-8');
  assert.ok(js.headers().etag);
  const listing = await page.request.get(stack.url + '/static/js/');
  assert.equal(listing.status(), 404, 'no directory listing');

  assert.deepEqual(page.seen.csp, [], 'CSP violations');
  assert.deepEqual(page.seen.errors, [], 'script errors');

  // The detector itself works: an inline style attribute is refused and reported.
  await page.evaluate(() => {
    const d = document.createElement('div');
    d.setAttribute('style', 'color: red');
    document.body.append(d);
  });
  await page.waitForTimeout(200);
  assert.equal(page.seen.csp.length, 1, 'a deliberate violation is seen');
  await ctx.close();
});

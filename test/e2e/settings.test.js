// Settings in the browser: devices, revoking one, changing the password.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, newPage, e2e, uniqueName, signUp, logIn, PASSWORD } from './harness.js';

let stack;
before(async () => { stack = await startStack({ devllm: false }); });
after(async () => { await stack?.stop(); });
const it = (name, fn) => test(name, e2e(() => stack, fn));

const NEW_PASSWORD = 'battery-staple-42';

it('revoke another device, change the password; the other device is bounced to /login', async () => {
  const name = uniqueName('dev');
  // Two browsers (contexts have separate cookie jars) logged in as one user.
  const ctxA = await stack.browser.newContext();
  const ctxB = await stack.browser.newContext({ userAgent: 'E2E-Second-Device/1.0 (X11; Linux x86_64)' });
  const a = await newPage(ctxA);
  const b = await newPage(ctxB);
  await signUp(a, stack, name);
  await logIn(b, stack, name);

  await a.goto(stack.url + '/settings');
  const rows = a.locator('#sessions-body tr');
  await a.waitForFunction(() => document.querySelectorAll('#sessions-body tr').length === 2);
  const mine = a.locator('#sessions-body tr[data-current="true"]');
  assert.equal(await mine.count(), 1);
  await mine.getByText('This device').waitFor();
  const other = a.locator('#sessions-body tr[data-current="false"]');
  assert.match(await other.locator('.ua span').getAttribute('title'), /E2E-Second-Device/);

  // Sign the second device out from the first.
  await other.getByRole('button', { name: /Sign out/ }).click();
  await a.getByText('The device was signed out.').waitFor();
  await a.waitForFunction(() => document.querySelectorAll('#sessions-body tr').length === 1);
  assert.equal(await rows.count(), 1);
  await b.goto(stack.url + '/settings');
  assert.equal(new URL(b.url()).pathname, '/login', 'the revoked device is bounced to /login');

  // The second device logs in again; a password change signs it out too.
  await logIn(b, stack, name);
  await a.reload();
  await a.waitForFunction(() => document.querySelectorAll('#sessions-body tr').length === 2);

  await a.getByLabel('Current password').fill('not-my-password');
  await a.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
  await a.getByLabel('Repeat new password').fill(NEW_PASSWORD);
  await a.getByRole('button', { name: 'Change password' }).click();
  await a.getByText('The current password is wrong.').waitFor();

  await a.getByLabel('Current password').fill(PASSWORD);
  await a.getByRole('button', { name: 'Change password' }).click();
  await a.getByText(/Your password was changed\. One other device was signed out\./).waitFor();
  await a.waitForFunction(() => document.querySelectorAll('#sessions-body tr').length === 1);

  await b.reload();
  assert.equal(new URL(b.url()).pathname, '/login', 'the other device is signed out by the password change');
  // This device keeps working under its new session id.
  await a.goto(stack.url + '/settings');
  assert.equal(new URL(a.url()).pathname, '/settings');

  // The old password no longer works; the new one does.
  await b.getByLabel('Username').fill(name);
  await b.getByLabel('Password').fill(PASSWORD);
  await b.getByRole('button', { name: 'Log in' }).click();
  await b.getByText('Wrong username or password.').waitFor();
  await logIn(b, stack, name, NEW_PASSWORD);
  assert.equal(new URL(b.url()).pathname, '/');

  for (const p of [a, b]) {
    assert.deepEqual(p.seen.csp, []);
    assert.deepEqual(p.seen.errors, []);
  }
  await ctxA.close();
  await ctxB.close();
});

it('sign out all other devices', async () => {
  const name = uniqueName('all');
  const ctxs = [await stack.browser.newContext(), await stack.browser.newContext(), await stack.browser.newContext()];
  const pages = [];
  for (const c of ctxs) pages.push(await newPage(c));
  await signUp(pages[0], stack, name);
  await logIn(pages[1], stack, name);
  await logIn(pages[2], stack, name);

  const a = pages[0];
  await a.goto(stack.url + '/settings');
  await a.waitForFunction(() => document.querySelectorAll('#sessions-body tr').length === 3);
  await a.getByRole('button', { name: 'Sign out all other devices' }).click();
  await a.getByText('2 other devices were signed out.').waitFor();
  await a.waitForFunction(() => document.querySelectorAll('#sessions-body tr').length === 1);
  assert.equal(await a.getByRole('button', { name: 'Sign out all other devices' }).isDisabled(), true);
  for (const p of pages.slice(1)) {
    await p.goto(stack.url + '/');
    assert.equal(new URL(p.url()).pathname, '/login');
  }

  // Logging this device out from the list ends its own session.
  await a.locator('#sessions-body tr[data-current="true"]').getByRole('button', { name: 'Log out this device' }).click();
  await a.waitForURL(stack.url + '/login');
  await a.goto(stack.url + '/');
  assert.equal(new URL(a.url()).pathname, '/login');
  for (const c of ctxs) await c.close();
});

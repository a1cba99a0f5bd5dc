// Real failures from the real server, shown in the page: an empty balance
// (402) and the model being down (502 inside the stream).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, newPage, e2e, uniqueName, signUp, grantTokens } from './harness.js';

let stack;
let page;
let name;
before(async () => {
  // No dev model running: the model is down. New users start with nothing.
  stack = await startStack({ devllm: false, newUserTokens: 0 });
  page = await newPage(await stack.browser.newContext());
  name = uniqueName('broke');
  await signUp(page, stack, name);
});
after(async () => { await stack?.stop(); });
const it = (name, fn) => test(name, e2e(() => stack, fn));

const prompt = () => page.getByRole('textbox', { name: 'Message' });

it('an empty balance is refused with 402 and the message is given back', async () => {
  await page.locator('body[data-ready="true"]').waitFor();
  assert.equal(await page.locator('#balance').textContent(), '0');
  assert.equal(await page.locator('.balance.low').count(), 1, 'an empty balance stands out');
  await prompt().fill('Will this cost anything?');
  await prompt().press('Enter');
  await page.locator('#chat-error').waitFor({ state: 'visible' });
  assert.match(await page.locator('#chat-error').textContent(), /token balance is exhausted/i);
  assert.equal(await prompt().inputValue(), 'Will this cost anything?');
  assert.equal(await page.locator('#messages .msg').count(), 0);
  assert.deepEqual(page.seen.csp, []);
  assert.deepEqual(page.seen.errors, []);
});

it('a model outage marks the reply failed, shows why, and refunds the reservation', async () => {
  grantTokens(stack, name, 5000);
  await page.reload();
  await page.locator('body[data-ready="true"]').waitFor();
  assert.equal(await page.locator('#balance').textContent(), '5,000');
  await prompt().fill('Is anybody there?');
  await prompt().press('Enter');
  const msg = page.locator('#messages .msg-assistant').last();
  await msg.locator('.msg-status', { hasText: 'Failed' }).waitFor({ timeout: 30000 });
  assert.match(await msg.locator('.msg-error').textContent(), /model service answered with an error/i);
  assert.match(await page.locator('#chat-error').textContent(), /model service answered with an error/i);
  // Nothing was generated, so nothing is charged.
  await page.waitForFunction(() => document.getElementById('balance').textContent === '5,000');
  // The user's message was stored: history shows it with the failed reply.
  await page.reload();
  await page.locator('body[data-ready="true"]').waitFor();
  assert.equal(await page.locator('#messages .msg-user').count(), 1);
  await page.locator('#messages .msg-assistant .msg-status', { hasText: 'Failed' }).waitFor();
  assert.deepEqual(page.seen.csp, []);
  assert.deepEqual(page.seen.errors, []);
});

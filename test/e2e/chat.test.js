// Chatting in the browser against the built-in offline dev model.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, newPage, e2e, uniqueName, signUp, logIn, createUser, PASSWORD } from './harness.js';

let stack;
let ctx;
let page;
let username;

before(async () => {
  stack = await startStack({ devllm: true });
  ctx = await stack.browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await newPage(ctx);
  username = uniqueName('chat');
  await signUp(page, stack, username);
});
after(async () => { await stack?.stop(); });
const it = (name, fn) => test(name, e2e(() => stack, fn));

const balance = async (p = page) => Number((await p.locator('#balance').textContent()).replace(/\D/g, ''));
const assistant = (p = page) => p.locator('#messages .msg-assistant');

// send types a prompt and returns the new assistant message's locator.
async function send(text, p = page) {
  const before = await assistant(p).count();
  await p.getByRole('textbox', { name: 'Message' }).fill(text);
  await p.getByRole('textbox', { name: 'Message' }).press('Enter');
  const msg = assistant(p).nth(before);
  await msg.waitFor();
  return msg;
}

async function waitRendered(msg) {
  await msg.locator('.msg-body.markdown').waitFor({ timeout: 30000 });
}

it('shows the offline dev model banner and the model picker', async () => {
  await page.goto(stack.url + '/');
  await page.locator('body[data-ready="true"]').waitFor();
  const banner = page.locator('#dev-banner');
  await banner.waitFor({ state: 'visible' });
  assert.match(await banner.textContent(), /offline dev model/i);
  assert.equal(await page.getByLabel('Model').inputValue(), 'gptbot-dev');
  assert.equal(await balance(), 100000);
});

it('streams a reply as text, then shows rendered Markdown with highlighted code', async () => {
  const start = await balance();
  const msg = await send('Hello there, show me **some** code');
  const body = msg.locator('.msg-body');

  // While streaming: plain text (Markdown markers visible), no elements.
  await page.waitForFunction((el) => el.classList.contains('streaming') && el.textContent.includes('**'),
    await body.elementHandle(), { timeout: 15000 });
  assert.equal(await body.evaluate((el) => el.children.length), 0, 'streamed text is text, not HTML');
  assert.equal(await page.locator('#stop').isVisible(), true, 'Stop is offered while streaming');

  await waitRendered(msg);
  assert.equal(await body.evaluate((el) => el.classList.contains('streaming')), false);
  assert.ok(await body.locator('strong').count() > 0, 'emphasis rendered');
  assert.ok(await body.locator('blockquote').count() > 0, 'quote rendered');
  assert.ok(await body.locator('table').count() > 0, 'table rendered');
  const code = body.locator('pre.chroma code.language-go');
  await code.waitFor();
  assert.ok(await code.locator('span.kd, span.kn').count() > 0, 'Go keywords highlighted');
  assert.equal(await body.locator('[style]').count(), 0, 'no inline styles');
  assert.equal(await body.locator('.code-head button').first().textContent(), 'Copy');

  // Usage arrived: the balance went down and the reply shows its tokens.
  await page.waitForFunction((b) => Number(document.getElementById('balance').textContent.replace(/\D/g, '')) < b, start);
  assert.match(await msg.locator('.msg-meta').textContent(), /\d+ tokens/);
  assert.equal(await page.locator('#send').isVisible(), true);

  // The conversation exists: in the URL, in the sidebar, titled from the message.
  assert.match(page.url(), /\?c=\d+$/);
  await page.locator('#conv-list a[aria-current="page"]').waitFor();
  await page.waitForFunction(() => /Hello there/.test(document.querySelector('#conv-list a[aria-current="page"]').textContent));
  assert.deepEqual(page.seen.csp, []);
  assert.deepEqual(page.seen.errors, []);
});

it('a reply echoing <script> and <img onerror> never runs, live or from history', async () => {
  const xss = 'Try <img src=x onerror="window.__xss=1"> and <script>window.__xss=2</script> now';
  const msg = await send(xss);
  await waitRendered(msg);
  const check = async (where) => {
    assert.equal(await page.evaluate(() => window.__xss), undefined, `${where}: injected script ran`);
    assert.equal(await page.locator('#messages script').count(), 0, `${where}: <script> in the DOM`);
    assert.equal(await page.locator('#messages img').count(), 0, `${where}: <img> in the DOM`);
    assert.equal(await page.locator('#messages [onerror]').count(), 0, `${where}: onerror attribute in the DOM`);
    const last = assistant().last();
    assert.match(await last.locator('blockquote').textContent(), /<script>window\.__xss=2<\/script>/, `${where}: shown as text`);
    assert.match(await page.locator('#messages .msg-user').last().textContent(), /<img src=x onerror="window.__xss=1">/);
  };
  await page.waitForTimeout(300); // an onerror would fire right after insertion
  await check('live');

  await page.reload();
  await page.locator('body[data-ready="true"]').waitFor();
  await assistant().last().locator('.msg-body.markdown').waitFor();
  await page.waitForTimeout(300);
  await check('history');
  assert.ok(await assistant().last().locator('pre.chroma span.kd, pre.chroma span.kn').count() > 0, 'history is highlighted too');
  assert.deepEqual(page.seen.csp, []);
  assert.deepEqual(page.seen.errors, []);
});

it('stop aborts the stream and keeps the partial answer; regenerate replaces it', async () => {
  const msg = await send('Please write a long answer that I will stop half-way');
  const body = msg.locator('.msg-body');
  await page.waitForFunction((el) => el.textContent.length > 20, await body.elementHandle());
  await page.getByRole('button', { name: /Stop/ }).click();
  await msg.locator('.msg-status', { hasText: 'Stopped' }).waitFor();
  await page.locator('#send').waitFor({ state: 'visible' });
  const partial = await body.textContent();
  assert.ok(partial.length > 0, 'partial answer kept');
  assert.ok(!/fingerprint/.test(partial), 'the answer was cut before its end (the table comes last)');

  const count = await assistant().count();
  await page.getByRole('button', { name: /Regenerate/ }).click();
  await page.locator('#stop').waitFor({ state: 'visible' });
  await page.locator('#send').waitFor({ state: 'visible', timeout: 30000 });
  assert.equal(await assistant().count(), count, 'the old reply was replaced, not added to');
  const fresh = assistant().last();
  await waitRendered(fresh);
  assert.match(await fresh.textContent(), /fingerprint/, 'the regenerated answer is complete');
  assert.equal(await fresh.locator('.msg-status').count(), 0);

  // The server kept the regenerated answer: it is what history shows.
  await page.reload();
  await page.locator('body[data-ready="true"]').waitFor();
  assert.equal(await assistant().count(), count);
  assert.match(await assistant().last().textContent(), /fingerprint/);
});

it('rename, export and delete a conversation', async () => {
  await page.getByRole('button', { name: 'Rename' }).click();
  await page.getByLabel('Title').fill('Renamed in e2e');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.locator('#conv-dialog').waitFor({ state: 'hidden' });
  assert.equal(await page.locator('#conv-title').textContent(), 'Renamed in e2e');
  await page.locator('#conv-list a', { hasText: 'Renamed in e2e' }).waitFor();

  for (const [link, type, want] of [['#export-md', 'markdown', /Renamed in e2e/], ['#export-json', 'json', /"Renamed in e2e"/]]) {
    const href = await page.locator(link).getAttribute('href');
    const res = await page.request.get(stack.url + href);
    assert.equal(res.status(), 200, href);
    assert.match(res.headers()['content-type'], new RegExp(type));
    assert.match(await res.text(), want);
  }

  const n = await page.locator('#conv-list li').count();
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.locator('#confirm-dialog').getByRole('button', { name: 'Delete' }).click();
  await page.waitForFunction((k) => document.querySelectorAll('#conv-list li').length === k - 1, n);
  assert.equal(await page.locator('#conv-list a', { hasText: 'Renamed in e2e' }).count(), 0);
  assert.equal(await page.locator('#conv-title').textContent(), 'New chat');
  assert.equal(new URL(page.url()).search, '');
});

it('402, 429, 502 and 504 answers are shown to the user', async () => {
  await send('one message so that a conversation exists').then(waitRendered);
  const cases = [
    [402, { code: 402, message: 'token balance exhausted' }, {}, /token balance is exhausted/i],
    [429, { code: 429, message: 'too many requests' }, { 'Retry-After': '17' }, /Try again in 17 s/],
    [502, { code: 502, message: 'upstream model error' }, {}, /model service answered with an error/i],
    [504, { code: 504, message: 'upstream timeout' }, {}, /took too long/i],
  ];
  for (const [status, body, headers, want] of cases) {
    // The network answer is staged; what is tested is the page's handling.
    await page.route('**/api/v1/conversations/*/messages', (route) => route.fulfill({
      status, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify({ ...body, data: null }),
    }));
    const users = await page.locator('#messages .msg-user').count();
    await page.getByRole('textbox', { name: 'Message' }).fill(`status ${status}`);
    await page.getByRole('textbox', { name: 'Message' }).press('Enter');
    const alert = page.locator('#chat-error');
    await alert.waitFor({ state: 'visible' });
    assert.match(await alert.textContent(), want, `HTTP ${status}`);
    // Refused before anything was stored: the text is given back.
    assert.equal(await page.getByRole('textbox', { name: 'Message' }).inputValue(), `status ${status}`);
    assert.equal(await page.locator('#messages .msg-user').count(), users);
    await page.unroute('**/api/v1/conversations/*/messages');
    await page.locator('#chat-error-close').click();
  }

  // An error event in the middle of a stream marks the reply failed.
  await page.route('**/api/v1/conversations/*/messages', (route) => route.fulfill({
    status: 200,
    headers: { 'Content-Type': 'text/event-stream' },
    body: 'event: start\ndata: {"messageId":9001,"userMessageId":9000}\n\n'
      + 'event: delta\ndata: {"content":"partial *answer*"}\n\n'
      + 'event: error\ndata: {"code":504,"message":"upstream timeout"}\n\n',
  }));
  const msg = await send('stream then fail');
  await msg.locator('.msg-status', { hasText: 'Failed' }).waitFor();
  assert.match(await msg.locator('.msg-error').textContent(), /took too long/);
  assert.match(await page.locator('#chat-error').textContent(), /took too long/);
  await msg.locator('.msg-body.markdown em').waitFor(); // the partial text is still rendered
  await page.unroute('**/api/v1/conversations/*/messages');
  await page.getByRole('textbox', { name: 'Message' }).fill('');
});

it('usage page shows today with a bar chart, without CSP violations', async () => {
  const p = await newPage(ctx);
  await p.goto(stack.url + '/usage');
  await p.locator('#usage-body tr').first().waitFor();
  const today = p.locator('#usage-body tr').first();
  assert.ok(Number((await today.locator('td').nth(4).textContent()).replace(/\D/g, '')) > 0, 'tokens charged today');
  assert.equal(await p.locator('#chart .bar').count(), 30);
  const h = await p.locator('#chart .bar span').last().evaluate((el) => getComputedStyle(el).height);
  assert.ok(parseFloat(h) > 10, `today's bar has a height (${h})`);
  assert.deepEqual(p.seen.csp, []);
  assert.deepEqual(p.seen.errors, []);
  await p.close();
});

it('admin grants tokens and disables a user, who is then logged out', async () => {
  createUser(stack, 'root', PASSWORD, true);
  const adminCtx = await stack.browser.newContext();
  const admin = await newPage(adminCtx);
  await logIn(admin, stack, 'root');
  await admin.getByRole('link', { name: 'Admin' }).click();
  await admin.waitForURL(stack.url + '/admin');
  const row = admin.locator(`#users-body tr[data-username="${username}"]`);
  await row.waitFor();
  const before = Number((await row.locator('.balance-cell').textContent()).replace(/\D/g, ''));
  await row.getByLabel(`Tokens to grant to ${username}`).fill('5000');
  await row.getByRole('button', { name: 'Grant' }).click();
  await admin.getByText(`Granted 5,000 tokens to ${username}.`).waitFor();
  assert.equal(Number((await admin.locator(`#users-body tr[data-username="${username}"] .balance-cell`).textContent()).replace(/\D/g, '')), before + 5000);

  await admin.locator(`#users-body tr[data-username="${username}"]`).getByRole('button', { name: 'Disable' }).click();
  await admin.locator('#confirm-dialog').getByRole('button', { name: 'Disable' }).click();
  await admin.getByText(`${username} was disabled.`).waitFor();
  await admin.locator(`#users-body tr[data-username="${username}"] .badge`, { hasText: 'disabled' }).waitFor();
  assert.deepEqual(admin.seen.csp, []);
  assert.deepEqual(admin.seen.errors, []);

  await page.goto(stack.url + '/');
  assert.equal(new URL(page.url()).pathname, '/login', 'a disabled user is bounced to /login');
  await adminCtx.close();
});

// Test harness for the browser suite: a private redis-server, the built-in
// offline dev model, the real gptbot binary with a generated config, and
// Debian's chromium driven by playwright-core. Nothing is mocked, nothing
// is downloaded; a missing dependency fails the suite loudly.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, accessSync, constants } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, '../..');
export const ARTIFACTS = path.join(ROOT, 'temp', 'e2e');
export const CHROMIUM = process.env.GPTBOT_CHROMIUM || '/usr/bin/chromium';
export const PASSWORD = 'correct-horse-9';

function which(cmd) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    const p = path.join(dir, cmd);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // next
    }
  }
  return null;
}

// requireTools throws (never skips) when something the suite needs is absent.
export function requireTools() {
  const missing = [];
  if (!which('redis-server')) missing.push('redis-server (apt-get install -y redis-server)');
  if (!existsSync(CHROMIUM)) missing.push(`${CHROMIUM} (apt-get install -y chromium)`);
  const bin = process.env.GPTBOT_BIN;
  if (!bin || !existsSync(bin)) missing.push('the gptbot binary: set GPTBOT_BIN (hack/e2e.sh builds it)');
  if (missing.length) throw new Error('browser e2e suite cannot run; missing: ' + missing.join('; '));
  return bin;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// live holds every child still running, so that a test process that dies
// (an uncaught error, Ctrl-C) does not leave servers behind.
const live = new Set();
process.on('exit', () => { for (const c of live) c.kill('SIGKILL'); });
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    for (const c of live) c.kill('SIGKILL');
    process.exit(130);
  });
}

// Proc is a child process whose output is kept for failure reports.
class Proc {
  constructor(name, cmd, args, opts = {}) {
    this.name = name;
    this.out = '';
    this.exited = null;
    this.child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (b) => {
      this.out += b.toString();
      if (this.out.length > 200_000) this.out = this.out.slice(-100_000);
    };
    this.child.stdout.on('data', keep);
    this.child.stderr.on('data', keep);
    live.add(this.child);
    this.child.on('exit', (code, signal) => {
      this.exited = { code, signal };
      live.delete(this.child);
    });
  }

  // stop kills at once: nothing here needs a graceful shutdown, and the
  // app's grace period for streams would only slow the suite down.
  async stop() {
    if (this.exited) return;
    const done = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGKILL');
    await done;
  }

  tail(n = 4000) {
    return `--- ${this.name} output (last ${n} chars) ---\n${this.out.slice(-n)}`;
  }
}

async function waitFor(what, proc, check, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  let lastErr;
  while (Date.now() < deadline) {
    if (proc.exited) throw new Error(`${what} exited early (${JSON.stringify(proc.exited)})\n${proc.tail()}`);
    try {
      if (await check()) return;
    } catch (e) {
      lastErr = e;
    }
    await sleep(50);
  }
  throw new Error(`${what} did not become ready in ${timeoutMs} ms: ${lastErr?.message || ''}\n${proc.tail()}`);
}

function tcpOpen(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

async function httpOK(url) {
  const res = await fetch(url);
  await res.arrayBuffer();
  return res.ok;
}

function writeConfig(file, { appPort, redisPort, dbPath, devllmPort, newUserTokens }) {
  // Shape from test/integration/harness_test.go; rate limits are raised so
  // that a suite logging in many times from 127.0.0.1 is not throttled.
  writeFileSync(file, `server:
  address: "127.0.0.1:${appPort}"
  sessionIdName: "gptbot_session"
  sessionMaxAge: "2h"
  sessionCookieOutput: false
  clientMaxBodySize: "1MB"
  errorLogEnabled: false
  accessLogEnabled: false
  openapiPath: "/api.json"
  dumpRouterMap: false
logger:
  level: "info"
  stdout: true
redis:
  default:
    address: "127.0.0.1:${redisPort}"
    dialTimeout: "500ms"
    readTimeout: "2s"
    writeTimeout: "2s"
database:
  default:
    link: "sqlite::@file(${dbPath})"
    extra: "busy_timeout=5000&journal_mode=WAL&foreign_keys=1"
session:
  storage: "redis"
  prefix: "gptbot:"
  absoluteTimeout: "168h"
  cookieSecure: "auto"
quota:
  newUserTokens: ${newUserTokens}
ratelimit:
  trustedProxies: []
  policies:
    auth: { limit: 1000, period: "1m" }
    login-user: { limit: 1000, period: "1m" }
    api: { limit: 100000, period: "1m" }
    chat: { limit: 1000, period: "1m" }
openai:
  devModelURL: "http://127.0.0.1:${devllmPort}/v1"
`, { mode: 0o600 });
}

// startStack boots redis, the dev model (unless devllm is false: pages that
// never call the model do not need it, and without it the model is "down"),
// gptbot and chromium.
export async function startStack({ devllm = true, newUserTokens = 100000 } = {}) {
  const bin = requireTools();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gptbot-e2e-'));
  const [redisPort, appPort, devllmPort] = [await freePort(), await freePort(), await freePort()];
  const procs = [];
  const stack = {
    dir,
    bin,
    url: `http://127.0.0.1:${appPort}`,
    cfg: path.join(dir, 'config.yaml'),
    procs,
    browser: null,
    logs: () => procs.map((p) => p.tail()).join('\n'),
  };
  stack.stop = async () => {
    if (stack.browser) await stack.browser.close().catch(() => {});
    for (const p of procs.reverse()) await p.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const redis = new Proc('redis-server', 'redis-server', [
      '--port', String(redisPort), '--bind', '127.0.0.1', '--dir', dir,
      '--save', '', '--appendonly', 'no',
    ]);
    procs.push(redis);
    await waitFor('redis-server', redis, () => tcpOpen(redisPort));

    if (devllm) {
      const dev = new Proc('gptbot devllm', bin, ['devllm', '--address', `127.0.0.1:${devllmPort}`], { cwd: dir });
      procs.push(dev);
      await waitFor('gptbot devllm (the offline dev model)', dev, () => httpOK(`http://127.0.0.1:${devllmPort}/v1/models`));
    }

    writeConfig(stack.cfg, { appPort, redisPort, dbPath: path.join(dir, 'gptbot.db'), devllmPort, newUserTokens });
    const app = new Proc('gptbot', bin, [], {
      cwd: dir,
      env: { ...process.env, GF_GCFG_FILE: stack.cfg, OPENAI_API_KEY: '', OPENAI_BASE_URL: '' },
    });
    procs.push(app);
    await waitFor('gptbot', app, () => httpOK(`${stack.url}/healthz`));

    stack.browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
        '--disable-component-update', '--no-first-run'],
    });
  } catch (e) {
    await stack.stop();
    throw e;
  }
  return stack;
}

// createUser runs the CLI against the stack's database (admins cannot
// sign up through the web).
export function createUser(stack, username, password, admin = false) {
  const args = ['user', 'create', '--username', username, '--password-stdin'];
  if (admin) args.push('--admin');
  const res = spawnSync(stack.bin, args, {
    cwd: stack.dir,
    input: password + '\n',
    env: { ...process.env, GF_GCFG_FILE: stack.cfg },
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(`gptbot user create failed: ${res.stdout}\n${res.stderr}`);
}

// grantTokens adds to a balance with the CLI.
export function grantTokens(stack, username, tokens) {
  const res = spawnSync(stack.bin, ['user', 'grant', '--username', username, '--tokens', String(tokens)], {
    cwd: stack.dir,
    env: { ...process.env, GF_GCFG_FILE: stack.cfg },
    encoding: 'utf8',
  });
  if (res.status !== 0) throw new Error(`gptbot user grant failed: ${res.stdout}\n${res.stderr}`);
}

// watch records what a page reports: CSP violations, script errors and
// console errors. Every page of the suite is watched.
export function watch(page) {
  const seen = { csp: [], errors: [], console: [] };
  page.on('console', (msg) => {
    if (msg.type() !== 'error' && msg.type() !== 'warning') return;
    const text = msg.text();
    if (/Content Security Policy|Content-Security-Policy/i.test(text)) seen.csp.push(text);
    else if (msg.type() === 'error') seen.console.push(text);
  });
  page.on('pageerror', (err) => seen.errors.push(String(err)));
  page.seen = seen;
  return seen;
}

export async function newPage(context) {
  const page = await context.newPage();
  watch(page);
  return page;
}

let shot = 0;

// screenshots saves every open page of the browser into temp/e2e/.
export async function screenshots(browser, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const safe = name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
  const saved = [];
  for (const ctx of browser.contexts()) {
    for (const page of ctx.pages()) {
      const file = path.join(ARTIFACTS, `${safe}-${++shot}.png`);
      try {
        await page.screenshot({ path: file, fullPage: true, timeout: 5000 });
        saved.push(file);
      } catch {
        // a closed or crashed page has nothing to show
      }
    }
  }
  return saved;
}

// e2e wraps a test body: on failure it saves screenshots and the server
// logs' tails next to the error, then fails.
export function e2e(stackRef, fn) {
  return async (t) => {
    try {
      await fn(t);
    } catch (err) {
      const stack = stackRef();
      if (stack?.browser) {
        const files = await screenshots(stack.browser, t.name);
        if (files.length) err.message += `\nscreenshots: ${files.join(', ')}`;
      }
      if (stack) err.message += '\n' + stack.logs();
      throw err;
    }
  };
}

let userSeq = 0;
// uniqueName is a fresh valid username.
export function uniqueName(prefix = 'user') {
  return `${prefix}${Date.now().toString(36)}${(userSeq++).toString(36)}`.slice(0, 32);
}

// register and log in through the pages, as a person would.
export async function signUp(page, stack, username, password = PASSWORD) {
  await page.goto(stack.url + '/register');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Repeat password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.waitForURL(stack.url + '/login');
  await logIn(page, stack, username, password, false);
}

export async function logIn(page, stack, username, password = PASSWORD, navigate = true) {
  if (navigate) await page.goto(stack.url + '/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

// JSON API client: every call goes to /api/v1 with the session cookie and
// unwraps the {code, message, data} envelope. Errors become ApiError with
// the HTTP status and a message fit to show. Every request of every page,
// the streamed replies too, goes through request() below.
import { readSSE, parseData } from './sse.js';

export class ApiError extends Error {
  constructor(status, message, retryAfter = 0) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

// friendly turns a status and the server's message into text for people.
export function friendly(status, message, retryAfter = 0) {
  const msg = (message || '').trim();
  switch (status) {
    case 0: return 'The server cannot be reached. Check your connection and try again.';
    case 401: return msg && msg !== 'not logged in' ? msg : 'Your session has ended. Please log in again.';
    case 402: return 'Your token balance is exhausted' + (msg && !/balance/i.test(msg) ? ': ' + msg : '.') + ' Ask an administrator for more tokens.';
    case 413: return 'That is too large to send.' + (msg ? ' (' + msg + ')' : '');
    case 429: return 'Too many requests. ' + (retryAfter > 0 ? `Try again in ${retryAfter} s.` : 'Try again in a moment.');
    case 502: return 'The model service answered with an error' + (msg ? ': ' + msg : '.') + ' Try again.';
    case 503: return 'A service the app depends on is unavailable right now. Try again shortly.';
    case 504: return 'The model took too long to answer. Try again.';
    default: return msg || `Request failed (HTTP ${status}).`;
  }
}

// errorFrom reads an error envelope from a response that is not ok.
async function errorFrom(res) {
  let message = '';
  try {
    const body = await res.json();
    message = body && typeof body.message === 'string' ? body.message : '';
  } catch {
    // not JSON: the status says enough
  }
  const retryAfter = parseInt(res.headers.get('Retry-After') || '0', 10) || 0;
  return new ApiError(res.status, friendly(res.status, message, retryAfter), retryAfter);
}

// toLogin leaves a page whose session ended.
function toLogin() {
  const here = location.pathname;
  location.assign(here === '/' || here === '/login' ? '/login' : '/login?next=' + encodeURIComponent(here));
}

// request is the one way the pages talk to the server: it sends method url
// with an optional JSON body and the session cookie, and returns the
// response when it is ok. A network failure becomes ApiError status 0; an
// answer that is not ok becomes an ApiError from its error envelope, and a
// 401 first calls on401 (by default, off to the login page). An abort is
// passed on as the AbortError it is.
async function request(method, url, body, accept, { signal, on401 = toLogin } = {}) {
  const init = {
    method,
    credentials: 'same-origin',
    headers: { Accept: accept },
    signal,
  };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(url, init);
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, friendly(0));
  }
  if (!res.ok) {
    const err = await errorFrom(res);
    if (res.status === 401 && on401) on401();
    throw err;
  }
  return res;
}

const API = '/api/v1';

// api calls method path with an optional JSON body and returns data.
export async function api(method, path, body, opts) {
  const res = await request(method, API + path, body, 'application/json', opts);
  const text = await res.text();
  if (!text) return null;
  const envelope = JSON.parse(text);
  return envelope && 'data' in envelope ? envelope.data : envelope;
}

// apiStream posts body to path asking for server-sent events and calls
// onEvent(name, data) for each event, data decoded from JSON; it resolves
// when the stream ends. A refusal throws before any event, as api() would;
// so does an ok answer that is not a stream.
export async function apiStream(path, body, onEvent, opts) {
  const res = await request('POST', API + path, body, 'text/event-stream', opts);
  if (!(res.headers.get('Content-Type') || '').startsWith('text/event-stream')) {
    throw new ApiError(res.status, 'Unexpected answer from the server.');
  }
  await readSSE(res, (ev) => onEvent(ev.event, parseData(ev)));
}

// getJSON loads a JSON document served outside the API, such as the
// OpenAPI description.
export async function getJSON(url, opts) {
  const res = await request('GET', url, undefined, 'application/json', opts);
  return res.json();
}

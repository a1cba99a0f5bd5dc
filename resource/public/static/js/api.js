// JSON API client: every call goes to /api/v1 with the session cookie and
// unwraps the {code, message, data} envelope. Errors become ApiError with
// the HTTP status and a message fit to show.

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
export async function errorFrom(res) {
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
export function toLogin() {
  const here = location.pathname;
  location.assign(here === '/' || here === '/login' ? '/login' : '/login?next=' + encodeURIComponent(here));
}

// api calls method path with an optional JSON body and returns data.
export async function api(method, path, body, { signal, on401 = toLogin } = {}) {
  const init = {
    method,
    credentials: 'same-origin',
    headers: { Accept: 'application/json' },
    signal,
  };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch('/api/v1' + path, init);
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, friendly(0));
  }
  if (!res.ok) {
    const err = await errorFrom(res);
    if (res.status === 401 && on401) on401();
    throw err;
  }
  const text = await res.text();
  if (!text) return null;
  const envelope = JSON.parse(text);
  return envelope && 'data' in envelope ? envelope.data : envelope;
}

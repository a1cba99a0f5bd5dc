// Shared page helpers. Text always goes in through textContent; the only
// innerHTML in the app is the server-sanitised Markdown (markdown.js).
import { api, ApiError } from './api.js';

export const $ = (id) => document.getElementById(id);

// el builds an element: props may hold className, text, attrs, dataset.
export function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  if (props.className) e.className = props.className;
  if (props.text !== undefined) e.textContent = props.text;
  for (const [k, v] of Object.entries(props.attrs || {})) {
    if (v === false || v === null || v === undefined) continue;
    e.setAttribute(k, v === true ? '' : String(v));
  }
  Object.assign(e.dataset, props.dataset || {});
  for (const c of children) if (c) e.append(c);
  return e;
}

// show puts a message into a notice/error element, or hides it when empty.
export function show(node, message) {
  if (!node) return;
  node.textContent = message || '';
  node.hidden = !message;
}

export function errorText(e) {
  if (e instanceof ApiError) return e.message;
  return 'Something went wrong: ' + (e && e.message ? e.message : String(e));
}

const numberFormat = new Intl.NumberFormat();
export const fmtNum = (n) => numberFormat.format(Number(n) || 0);

// fmtDate shows a server timestamp ("2006-01-02 15:04:05" or ISO) locally.
export function fmtDate(s) {
  if (!s) return '–';
  const d = new Date(String(s).replace(' ', 'T'));
  return isNaN(d) ? String(s) : d.toLocaleString();
}

// setBalance updates the balance in the top bar.
export function setBalance(n) {
  const out = $('balance');
  if (!out || n === undefined || n === null) return;
  out.textContent = fmtNum(n);
  out.closest('.balance')?.classList.toggle('low', Number(n) <= 0);
}

export async function refreshBalance() {
  try {
    const me = await api('GET', '/me');
    if (me) setBalance(me.tokenBalance);
  } catch {
    // the balance is informative; errors show where the user acted
  }
}

// confirmDialog asks in the layout's <dialog id="confirm-dialog"> (logged-in pages).
export function confirmDialog(text, okLabel) {
  const dlg = $('confirm-dialog');
  $('confirm-text').textContent = text;
  if (okLabel) $('confirm-ok').textContent = okLabel;
  dlg.returnValue = '';
  dlg.showModal();
  return new Promise((resolve) => {
    dlg.addEventListener('close', () => resolve(dlg.returnValue === 'ok'), { once: true });
  });
}

// initTopbar wires the logout button and shows the balance.
export function initTopbar() {
  const body = document.body;
  if (body.dataset.balance !== undefined) setBalance(body.dataset.balance);
  const btn = $('logout');
  if (!btn) return;
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    try {
      await api('POST', '/auth/logout', undefined, { on401: null });
    } catch {
      // logged out already, or the server is down: leave anyway
    }
    location.assign('/login');
  });
}

import { api } from './api.js';
import { $, el, show, errorText, fmtNum, fmtDate, initTopbar, confirmDialog, refreshBalance } from './ui.js';

initTopbar();

const SIZE = 50;
let page = 1;

async function load() {
  show($('admin-error'), '');
  try {
    const res = (await api('GET', `/admin/users?page=${page}&size=${SIZE}`)) || {};
    const list = res.list || [];
    const total = res.total ?? list.length;
    $('users-body').replaceChildren(...list.map(row));
    $('users-total').textContent = `${fmtNum(total)} users`;
    const pages = Math.max(1, Math.ceil(total / SIZE));
    $('page-info').textContent = `Page ${page} of ${pages}`;
    $('prev-page').disabled = page <= 1;
    $('next-page').disabled = page >= pages;
  } catch (e) {
    show($('admin-error'), errorText(e));
  }
}

function row(u) {
  const status = u.disabled
    ? el('span', { className: 'badge badge-danger', text: 'disabled' })
    : el('span', { className: 'badge', text: 'active' });
  const input = el('input', { attrs: { type: 'number', min: 1, step: 1, inputmode: 'numeric', placeholder: 'tokens', 'aria-label': `Tokens to grant to ${u.username}`, required: true } });
  const grant = el('form', { className: 'grant-form' }, input,
    el('button', { className: 'btn btn-small', text: 'Grant', attrs: { type: 'submit' } }));
  grant.addEventListener('submit', (e) => {
    e.preventDefault();
    doGrant(u, input, grant);
  });
  const self = String(u.id) === document.body.dataset.userId;
  const disable = u.disabled
    ? el('button', { className: 'btn btn-small', text: 'Enable', attrs: { type: 'button', 'aria-label': `Enable ${u.username}` } })
    : el('button', { className: 'btn btn-danger btn-small', text: 'Disable', attrs: { type: 'button', disabled: self, 'aria-label': `Disable ${u.username}` } });
  disable.addEventListener('click', () => (u.disabled ? doEnable(u, disable) : doDisable(u, disable)));
  return el('tr', { dataset: { id: u.id, username: u.username } },
    el('td', { text: u.id }),
    el('td', { text: u.username }),
    el('td', { text: u.role }),
    el('td', { className: 'balance-cell', text: fmtNum(u.tokenBalance) }),
    el('td', {}, status),
    el('td', { text: fmtDate(u.createdAt) }),
    el('td', {}, grant),
    el('td', {}, disable));
}

// act posts one admin action, says it was done and reloads the list; on a
// failure it shows why and enables the button again.
async function act(btn, path, body, done) {
  btn.disabled = true;
  try {
    await api('POST', path, body);
    show($('admin-ok'), done);
    await load();
    return true;
  } catch (e) {
    show($('admin-error'), errorText(e));
    btn.disabled = false;
    return false;
  }
}

function clearNotes() {
  show($('admin-error'), '');
  show($('admin-ok'), '');
}

async function doGrant(u, input, form) {
  clearNotes();
  const tokens = parseInt(input.value, 10);
  if (!Number.isInteger(tokens) || tokens <= 0) {
    show($('admin-error'), 'Enter a positive whole number of tokens.');
    input.focus();
    return;
  }
  const btn = form.querySelector('button');
  if (await act(btn, `/admin/users/${u.id}/grant`, { tokens }, `Granted ${fmtNum(tokens)} tokens to ${u.username}.`)) refreshBalance();
}

async function doDisable(u, btn) {
  clearNotes();
  if (!(await confirmDialog(`Disable ${u.username}? They are signed out everywhere and can no longer log in.`, 'Disable'))) return;
  await act(btn, `/admin/users/${u.id}/disable`, undefined, `${u.username} was disabled.`);
}

async function doEnable(u, btn) {
  clearNotes();
  await act(btn, `/admin/users/${u.id}/enable`, undefined, `${u.username} can log in again.`);
}

$('prev-page').addEventListener('click', () => { page--; load(); });
$('next-page').addEventListener('click', () => { page++; load(); });
load();

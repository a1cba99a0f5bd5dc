import { api } from './api.js';
import { $, el, show, errorText, fmtDate, initTopbar, refreshBalance } from './ui.js';

initTopbar();
refreshBalance();

// describeAgent makes a User-Agent readable: browser and system.
function describeAgent(ua) {
  if (!ua) return 'Unknown device';
  const browser = /Edg\//.test(ua) ? 'Edge' : /OPR\//.test(ua) ? 'Opera' : /Firefox\//.test(ua) ? 'Firefox'
    : /Chrom(e|ium)\//.test(ua) ? (/HeadlessChrome/.test(ua) ? 'Headless Chrome' : 'Chrome') : /Safari\//.test(ua) ? 'Safari' : '';
  const os = /Windows/.test(ua) ? 'Windows' : /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS'
    : /Mac OS X/.test(ua) ? 'macOS' : /Linux/.test(ua) ? 'Linux' : '';
  return [browser, os].filter(Boolean).join(' on ') || ua.slice(0, 60);
}

async function loadSessions() {
  const body = $('sessions-body');
  try {
    const list = (await api('GET', '/me/sessions')) || [];
    body.replaceChildren(...list.map(sessionRow));
    $('revoke-others').disabled = !list.some((s) => !s.current);
  } catch (e) {
    show($('sessions-error'), errorText(e));
  }
}

function sessionRow(s) {
  const device = el('td', { className: 'ua' },
    el('span', { text: describeAgent(s.userAgent), attrs: { title: s.userAgent || '' } }));
  if (s.current) device.append(' ', el('span', { className: 'badge', text: 'This device' }));
  const btn = el('button', {
    className: 'btn btn-danger btn-small',
    text: s.current ? 'Log out' : 'Sign out',
    attrs: { type: 'button', 'aria-label': s.current ? 'Log out this device' : `Sign out ${describeAgent(s.userAgent)} (${s.ip || 'unknown IP'})` },
  });
  btn.addEventListener('click', () => revoke(s, btn));
  return el('tr', { dataset: { handle: s.handle, current: s.current ? 'true' : 'false' } },
    device,
    el('td', { text: s.ip || '–' }),
    el('td', { text: fmtDate(s.createdAt) }),
    el('td', { text: fmtDate(s.lastSeenAt) }),
    el('td', {}, btn));
}

async function revoke(s, btn) {
  show($('sessions-error'), '');
  show($('sessions-ok'), '');
  btn.disabled = true;
  try {
    await api('DELETE', '/me/sessions/' + encodeURIComponent(s.handle));
    if (s.current) {
      location.assign('/login');
      return;
    }
    show($('sessions-ok'), 'The device was signed out.');
    await loadSessions();
  } catch (e) {
    show($('sessions-error'), errorText(e));
    btn.disabled = false;
  }
}

$('revoke-others').addEventListener('click', async (e) => {
  const btn = e.currentTarget;
  show($('sessions-error'), '');
  show($('sessions-ok'), '');
  btn.disabled = true;
  try {
    const res = await api('POST', '/me/sessions/revoke-others');
    const n = res?.revokedSessions ?? 0;
    show($('sessions-ok'), n === 1 ? 'One other device was signed out.' : `${n} other devices were signed out.`);
  } catch (err) {
    show($('sessions-error'), errorText(err));
  }
  await loadSessions();
});

$('password-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = e.currentTarget;
  const err = $('password-error');
  show(err, '');
  show($('password-ok'), '');
  const oldPassword = $('old-password').value;
  const newPassword = $('new-password').value;
  if (!oldPassword) return show(err, 'Enter your current password.');
  const limits = $('new-password'); // the server's limits, put on the input by the page
  if (newPassword.length < limits.minLength || newPassword.length > limits.maxLength) {
    return show(err, `The new password must be ${limits.minLength} to ${limits.maxLength} characters.`);
  }
  if (newPassword !== $('new-password2').value) return show(err, 'The new passwords do not match.');
  const btn = form.querySelector('button[type=submit]');
  btn.disabled = true;
  try {
    const res = await api('POST', '/me/password', { oldPassword, newPassword });
    form.reset();
    const n = res?.revokedSessions ?? 0;
    show($('password-ok'), 'Your password was changed.' + (n ? ` ${n === 1 ? 'One other device was' : n + ' other devices were'} signed out.` : ''));
    await loadSessions();
  } catch (ex) {
    show(err, /oldPassword is incorrect/.test(ex.message) ? 'The current password is wrong.' : errorText(ex));
  } finally {
    btn.disabled = false;
  }
});

loadSessions();

import { api } from './api.js';
import { $, show, errorText } from './ui.js';

// Only this app's own pages: the same rule as the server's redirect.
function nextPage() {
  const next = new URLSearchParams(location.search).get('next') || '/';
  return /^\/(settings|usage|admin)?$/.test(next) ? next : '/';
}

const form = $('login-form');
const error = $('login-error');

const registered = sessionStorage.getItem('gptbot.registered');
if (registered) {
  sessionStorage.removeItem('gptbot.registered');
  show($('login-notice'), 'Your account was created. Log in to start chatting.');
  $('username').value = registered;
  $('password').focus();
} else {
  $('username').focus();
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  show(error, '');
  const username = $('username').value.trim();
  const password = $('password').value;
  if (!username || !password) {
    show(error, 'Enter your username and password.');
    return;
  }
  const btn = form.querySelector('button[type=submit]');
  btn.disabled = true;
  try {
    await api('POST', '/auth/login', { username, password }, { on401: null });
    location.assign(nextPage());
  } catch (err) {
    show(error, err.status === 401 ? 'Wrong username or password.' : errorText(err));
    $('password').select();
    btn.disabled = false;
  }
});

import { api } from './api.js';
import { $, show, errorText } from './ui.js';

const form = $('register-form');
const error = $('register-error');
$('username').focus();

// The limits are the server's: the page puts them on the inputs.
const userInput = $('username');
const passwordInput = $('password');
const usernamePattern = new RegExp(`^(?:${userInput.pattern})$`, 'v');

function check(username, password, password2) {
  const u = userInput, p = passwordInput;
  if (username.length < u.minLength || username.length > u.maxLength) return ['username', `The username must be ${u.minLength} to ${u.maxLength} characters.`];
  if (!usernamePattern.test(username)) return ['username', 'The username may contain only letters, digits, “_”, “.” and “-”.'];
  if (password.length < p.minLength || password.length > p.maxLength) return ['password', `The password must be ${p.minLength} to ${p.maxLength} characters.`];
  if (password !== password2) return ['password2', 'The passwords do not match.'];
  return null;
}

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  show(error, '');
  for (const id of ['username', 'password', 'password2']) $(id).removeAttribute('aria-invalid');
  const username = $('username').value.trim();
  const password = $('password').value;
  const bad = check(username, password, $('password2').value);
  if (bad) {
    $(bad[0]).setAttribute('aria-invalid', 'true');
    $(bad[0]).focus();
    show(error, bad[1]);
    return;
  }
  const btn = form.querySelector('button[type=submit]');
  btn.disabled = true;
  try {
    await api('POST', '/auth/register', { username, password }, { on401: null });
    sessionStorage.setItem('gptbot.registered', username);
    location.assign('/login');
  } catch (err) {
    show(error, err.status === 409 ? 'That username is taken. Choose another one.' : errorText(err));
    btn.disabled = false;
  }
});

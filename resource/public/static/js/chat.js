// The chat page: conversation list, streamed answers, model picker.
//
// Safety rule: message text is only ever set with textContent. While a
// reply streams it is shown as plain text; when it is done the page asks
// the server to render and sanitise the Markdown, and only that HTML goes
// into innerHTML (markdown.js).
import { api, errorFrom, friendly, ApiError, toLogin } from './api.js';
import { readSSE, parseData } from './sse.js';
import { renderMarkdown, setRendered } from './markdown.js';
import { $, el, show, errorText, fmtNum, initTopbar, setBalance, refreshBalance, confirmDialog } from './ui.js';

initTopbar();

const PAGE_SIZE = 30;

const state = {
  convs: [],
  page: 0,
  total: 0,
  current: null, // the open conversation (ConversationView), null for a new chat
  models: [],
  defaultModel: '',
  busy: false,
  controller: null, // AbortController of the running stream
};

const messagesEl = $('messages');
const promptEl = $('prompt');
const modelEl = $('model');

// ---------------------------------------------------------------- errors

function showError(message) {
  show($('chat-error-text'), message);
  $('chat-error').hidden = !message;
}
$('chat-error-close').addEventListener('click', () => showError(''));

// ---------------------------------------------------------------- models

async function loadModels() {
  try {
    const res = (await api('GET', '/models')) || {};
    state.models = res.models || [];
    state.defaultModel = res.defaultModel || state.models.find((m) => m.default)?.id || state.models[0]?.id || '';
    modelEl.replaceChildren(...state.models.map((m) =>
      el('option', { text: m.name && m.name !== m.id ? `${m.name}` : m.id, attrs: { value: m.id } })));
    modelEl.value = state.current?.model || state.defaultModel;
    if (res.devModel) {
      if (res.notice) $('dev-banner-text').textContent = res.notice;
      $('dev-banner').hidden = false;
    }
  } catch (e) {
    showError(errorText(e));
  }
}

// Keeps the picker on a model the server offers, even for an old
// conversation whose model was removed from the configuration.
function selectModel(id) {
  if (id && ![...modelEl.options].some((o) => o.value === id)) {
    modelEl.append(el('option', { text: `${id} (unavailable)`, attrs: { value: id } }));
  }
  modelEl.value = id || state.defaultModel;
}

modelEl.addEventListener('change', async () => {
  if (!state.current) return; // used when the conversation is created
  try {
    const conv = await api('PATCH', `/conversations/${state.current.id}`, { model: modelEl.value });
    state.current = { ...state.current, ...(conv || { model: modelEl.value }) };
  } catch (e) {
    showError(errorText(e));
    modelEl.value = state.current.model;
  }
});

// ---------------------------------------------------------- conversations

const titleOf = (c) => (c && c.title && c.title.trim()) || 'New chat';

async function loadConversations(reset = true) {
  try {
    const page = reset ? 1 : state.page + 1;
    const res = (await api('GET', `/conversations?page=${page}&size=${PAGE_SIZE}`)) || {};
    const list = res.list || [];
    state.convs = reset ? list : state.convs.concat(list.filter((c) => !state.convs.some((x) => x.id === c.id)));
    state.page = page;
    state.total = res.total ?? state.convs.length;
    renderConvList();
  } catch (e) {
    showError(errorText(e));
  }
}

function renderConvList() {
  const items = state.convs.map((c) => {
    const a = el('a', {
      text: titleOf(c),
      attrs: { href: `/?c=${c.id}`, title: titleOf(c), 'aria-current': state.current?.id === c.id ? 'page' : false },
      dataset: { id: c.id },
    });
    return el('li', {}, a);
  });
  $('conv-list').replaceChildren(...items);
  $('conv-empty').hidden = state.convs.length > 0;
  $('conv-more').hidden = state.convs.length >= state.total;
}

$('conv-list').addEventListener('click', (e) => {
  const a = e.target.closest('a[data-id]');
  if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
  e.preventDefault();
  if (state.busy) {
    showError('Wait for the answer to finish, or stop it, before switching conversations.');
    return;
  }
  openConversation(Number(a.dataset.id), true);
  closeSidebar();
});
$('conv-more').addEventListener('click', () => loadConversations(false));

function setCurrent(conv) {
  state.current = conv;
  $('conv-title').textContent = conv ? titleOf(conv) : 'New chat';
  document.title = (conv ? titleOf(conv) : 'Chat') + ' · gptbot';
  $('conv-actions').hidden = !conv;
  if (conv) {
    $('export-md').href = `/api/v1/conversations/${conv.id}/export?format=md`;
    $('export-json').href = `/api/v1/conversations/${conv.id}/export?format=json`;
    selectModel(conv.model);
  } else {
    modelEl.value = state.defaultModel;
  }
  for (const a of $('conv-list').querySelectorAll('a[data-id]')) {
    if (conv && Number(a.dataset.id) === conv.id) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function setURL(conv, push) {
  const url = conv ? `/?c=${conv.id}` : '/';
  if (location.pathname + location.search === url) return;
  if (push) history.pushState({ c: conv?.id ?? null }, '', url);
  else history.replaceState({ c: conv?.id ?? null }, '', url);
}

async function openConversation(id, push) {
  showError('');
  let detail;
  try {
    detail = await api('GET', `/conversations/${id}`);
  } catch (e) {
    if (e.status === 404) {
      showError('That conversation does not exist (any more).');
      newChat(false);
      return;
    }
    showError(errorText(e));
    return;
  }
  const { messages = [], ...conv } = detail || {};
  setCurrent(conv);
  setURL(conv, push);
  await renderHistory(messages);
  if (conv.streaming) {
    showError('An answer in this conversation is still being written elsewhere. Reload in a moment to see it.');
  }
}

function newChat(push) {
  if (state.busy) return;
  showError('');
  setCurrent(null);
  setURL(null, push);
  messagesEl.replaceChildren(emptyState());
  updateRegenerate();
  promptEl.focus();
}

function emptyState() {
  return el('div', { className: 'empty-chat', attrs: { id: 'empty-chat' } },
    el('img', { attrs: { src: '/static/icons/logo.svg', alt: '', width: 56, height: 56 } }),
    el('p', { text: 'Ask anything. Answers stream in as they are written.' }));
}

$('new-chat').addEventListener('click', () => { newChat(true); closeSidebar(); });

window.addEventListener('popstate', () => {
  if (state.busy) return;
  const id = Number(new URLSearchParams(location.search).get('c'));
  if (id) openConversation(id, false);
  else newChat(false);
});

// ---------------------------------------------------------------- messages

// messageView builds one message; the body is filled by the caller.
function messageView(role, msg = {}) {
  const body = el('div', { className: 'msg-body' });
  const meta = el('div', { className: 'msg-meta' });
  const root = el('article', {
    className: `msg msg-${role}`,
    attrs: { 'aria-label': role === 'user' ? 'You' : 'Assistant' },
    dataset: { role, id: msg.id ?? '' },
  }, el('div', { className: 'msg-role', text: role === 'user' ? 'You' : 'Assistant' }), body, meta);
  return { root, body, meta };
}

function setMeta(view, msg) {
  const parts = [];
  if (msg.status === 'cancelled') parts.push(el('span', { className: 'msg-status', text: 'Stopped' }));
  if (msg.status === 'failed') parts.push(el('span', { className: 'msg-status', text: 'Failed' }));
  if (msg.status === 'streaming') parts.push(el('span', { className: 'msg-status typing', text: 'Still being written…' }));
  if (msg.error) parts.push(el('span', { className: 'msg-error', text: msg.error }));
  const tokens = (Number(msg.promptTokens) || 0) + (Number(msg.completionTokens) || 0);
  if (tokens > 0) {
    parts.push(el('span', {
      text: `${fmtNum(tokens)} tokens${msg.estimated ? ' (estimated)' : ''}`,
      attrs: { title: `prompt ${fmtNum(msg.promptTokens)}, completion ${fmtNum(msg.completionTokens)}` },
    }));
  }
  if (msg.model) parts.push(el('span', { text: msg.model }));
  view.meta.replaceChildren(...parts);
  view.root.classList.toggle('msg-failed', msg.status === 'failed');
}

async function renderHistory(messages) {
  const views = [];
  const nodes = [];
  for (const m of messages) {
    const view = messageView(m.role, m);
    if (m.role === 'assistant') {
      view.body.textContent = m.content || '';
      views.push({ view, m });
    } else {
      view.body.textContent = m.content || '';
    }
    setMeta(view, m);
    nodes.push(view.root);
  }
  messagesEl.replaceChildren(...(nodes.length ? nodes : [emptyState()]));
  updateRegenerate();
  scrollToBottom(true);
  const withText = views.filter(({ m }) => m.content);
  if (!withText.length) return;
  messagesEl.setAttribute('aria-busy', 'true');
  try {
    const html = await renderMarkdown(withText.map(({ m }) => m.content));
    withText.forEach(({ view, m }, i) => setRendered(view.body, html[i], m.content));
  } catch (e) {
    showError('The answers are shown as plain text: ' + errorText(e));
  } finally {
    messagesEl.setAttribute('aria-busy', 'false');
  }
  scrollToBottom(true);
}

function nearBottom() {
  return messagesEl.scrollHeight - messagesEl.scrollTop - messagesEl.clientHeight < 80;
}

function scrollToBottom(force) {
  if (force || nearBottom()) messagesEl.scrollTop = messagesEl.scrollHeight;
}

function lastMessage(role) {
  const all = messagesEl.querySelectorAll(`.msg[data-role="${role}"]`);
  return all.length ? all[all.length - 1] : null;
}

function updateRegenerate() {
  const last = messagesEl.querySelector('.msg:last-of-type');
  $('regenerate').hidden = state.busy || !state.current || !last || !lastMessage('user');
}

// ---------------------------------------------------------------- sending

function setBusy(busy) {
  state.busy = busy;
  $('send').hidden = busy;
  $('stop').hidden = !busy;
  $('new-chat').disabled = busy;
  modelEl.disabled = busy;
  updateRegenerate();
}

async function ensureConversation() {
  if (state.current) return state.current;
  const conv = await api('POST', '/conversations', { model: modelEl.value || undefined });
  state.convs = [conv, ...state.convs.filter((c) => c.id !== conv.id)];
  state.total += 1;
  renderConvList();
  setCurrent(conv);
  setURL(conv, true);
  return conv;
}

$('composer').addEventListener('submit', (e) => {
  e.preventDefault();
  send();
});

promptEl.addEventListener('keydown', (e) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    send();
  }
});

// The textarea grows with its text (CSSOM: allowed by the CSP).
function autosize() {
  promptEl.style.height = 'auto';
  promptEl.style.height = Math.min(promptEl.scrollHeight + 2, 14 * 16) + 'px';
}
promptEl.addEventListener('input', autosize);

async function send() {
  if (state.busy) return;
  const content = promptEl.value;
  if (!content.trim()) {
    promptEl.focus();
    return;
  }
  showError('');
  setBusy(true);
  let conv;
  try {
    conv = await ensureConversation();
  } catch (e) {
    setBusy(false);
    showError(errorText(e));
    return;
  }
  promptEl.value = '';
  autosize();
  $('empty-chat')?.remove();
  const user = messageView('user');
  user.body.textContent = content;
  messagesEl.append(user.root);
  scrollToBottom(true);
  const ok = await stream(`/conversations/${conv.id}/messages`, { content }, user);
  if (!ok) {
    // Refused before the server stored anything: give the text back.
    user.root.remove();
    promptEl.value = content;
    autosize();
    if (!messagesEl.querySelector('.msg')) messagesEl.append(emptyState());
  }
  loadConversations(true).then(() => {
    const fresh = state.convs.find((c) => c.id === conv.id);
    if (fresh && state.current?.id === fresh.id) setCurrent({ ...state.current, ...fresh });
  });
}

$('regenerate').addEventListener('click', async () => {
  if (state.busy || !state.current) return;
  showError('');
  const old = lastMessage('assistant');
  const lastIsAssistant = old && old === messagesEl.querySelector('.msg:last-of-type');
  if (lastIsAssistant) old.hidden = true;
  setBusy(true);
  const ok = await stream(`/conversations/${state.current.id}/regenerate`, {}, null);
  if (lastIsAssistant) {
    if (ok) old.remove();
    else old.hidden = false;
  }
});

$('stop').addEventListener('click', () => {
  state.controller?.abort();
});

// stream posts body to path and shows the answer as it arrives. It returns
// false when the request was refused before the server began an answer.
async function stream(path, body, userView) {
  const ctrl = new AbortController();
  state.controller = ctrl;
  setBusy(true);
  const view = messageView('assistant');
  view.body.classList.add('streaming');
  view.root.setAttribute('aria-busy', 'true');
  messagesEl.append(view.root);
  scrollToBottom(true);

  let text = '';
  let started = false;
  let done = null;
  let failure = null; // {message}
  let usage = null;
  let stopped = false;

  try {
    const res = await fetch('/api/v1' + path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'text/event-stream' },
      body: JSON.stringify(body),
      signal: ctrl.signal,
    });
    const type = res.headers.get('Content-Type') || '';
    if (!res.ok || !type.startsWith('text/event-stream')) {
      const err = res.ok ? new ApiError(res.status, 'Unexpected answer from the server.') : await errorFrom(res);
      if (res.status === 401) toLogin();
      throw err;
    }
    await readSSE(res, (ev) => {
      const d = parseData(ev);
      switch (ev.event) {
        case 'start':
          started = true;
          if (d.messageId) view.root.dataset.id = d.messageId;
          if (userView && d.userMessageId) userView.root.dataset.id = d.userMessageId;
          break;
        case 'delta':
          started = true;
          text += d.content || '';
          view.body.textContent = text;
          scrollToBottom(false);
          break;
        case 'usage':
          usage = d;
          setBalance(d.balance);
          break;
        case 'done':
          done = d;
          break;
        case 'error':
          failure = { status: Number(d.code) || 0, message: friendly(Number(d.code) || 0, d.message) };
          break;
        default:
      }
    });
  } catch (e) {
    if (e.name === 'AbortError') stopped = true;
    else if (e instanceof ApiError) failure = { status: e.status, message: e.message, refused: !started };
    else failure = { status: 0, message: started ? 'The connection was interrupted.' : friendly(0) };
  } finally {
    state.controller = null;
  }

  if (failure?.refused) {
    view.root.remove();
    setBusy(false);
    showError(failure.message);
    if (failure.status === 402) refreshBalance();
    return false;
  }
  if (!done && !failure && !stopped) failure = { message: 'The answer ended unexpectedly. It may be incomplete.' };

  const msg = {
    status: failure ? 'failed' : stopped ? 'cancelled' : 'complete',
    error: failure?.message,
    promptTokens: usage?.promptTokens,
    completionTokens: usage?.completionTokens,
    estimated: usage?.estimated,
    model: modelEl.value,
  };
  setMeta(view, msg);
  view.root.removeAttribute('aria-busy');
  if (failure) showError(failure.message);
  if (text) {
    try {
      const [html] = await renderMarkdown([text]);
      setRendered(view.body, html, text);
    } catch (e) {
      setRendered(view.body, null, text);
      showError('The answer is shown as plain text: ' + errorText(e));
    }
  } else {
    view.body.classList.remove('streaming');
    view.body.textContent = stopped ? '' : failure ? '' : '(empty answer)';
  }
  if (!usage) refreshBalance(); // a stop or failure may still have charged tokens
  setBusy(false);
  scrollToBottom(false);
  promptEl.focus();
  return true;
}

// --------------------------------------------------- rename, delete, etc.

$('edit-conv').addEventListener('click', () => {
  if (!state.current) return;
  $('conv-title-input').value = state.current.title || '';
  $('conv-system-input').value = state.current.systemPrompt || '';
  show($('conv-form-error'), '');
  $('conv-dialog').showModal();
  $('conv-title-input').select();
});
$('conv-cancel').addEventListener('click', () => $('conv-dialog').close());
$('conv-form').addEventListener('submit', async (e) => {
  e.preventDefault(); // stay open until the server agreed
  const title = $('conv-title-input').value.trim();
  const systemPrompt = $('conv-system-input').value;
  try {
    const conv = await api('PATCH', `/conversations/${state.current.id}`, { title, systemPrompt });
    setCurrent({ ...state.current, ...(conv || { title, systemPrompt }) });
    const i = state.convs.findIndex((c) => c.id === state.current.id);
    if (i >= 0) state.convs[i] = { ...state.convs[i], title: state.current.title };
    renderConvList();
    $('conv-dialog').close();
  } catch (err) {
    show($('conv-form-error'), errorText(err));
  }
});

$('delete-conv').addEventListener('click', async () => {
  if (!state.current || state.busy) return;
  const conv = state.current;
  if (!(await confirmDialog(`Delete “${titleOf(conv)}” and all its messages? This cannot be undone.`, 'Delete'))) return;
  try {
    await api('DELETE', `/conversations/${conv.id}`);
    state.convs = state.convs.filter((c) => c.id !== conv.id);
    state.total = Math.max(0, state.total - 1);
    renderConvList();
    newChat(false);
  } catch (e) {
    showError(errorText(e));
  }
});

// ------------------------------------------------------- small screens

function closeSidebar() {
  $('sidebar').classList.remove('open');
  $('toggle-sidebar').setAttribute('aria-expanded', 'false');
}
$('toggle-sidebar').addEventListener('click', () => {
  const open = $('sidebar').classList.toggle('open');
  $('toggle-sidebar').setAttribute('aria-expanded', String(open));
});

// ---------------------------------------------------------------- start

async function start() {
  await Promise.all([loadModels(), loadConversations(true)]);
  const id = Number(new URLSearchParams(location.search).get('c'));
  if (id) await openConversation(id, false);
  else newChat(false);
  document.body.dataset.ready = 'true';
}

start();

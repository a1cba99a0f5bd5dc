// The message thread: one view per message, a history rendered as
// server-sanitised Markdown, and scrolling that follows new text.
import { renderMarkdown, setRendered } from '../markdown.js';
import { $, el, errorText, fmtNum } from '../ui.js';
import { state, showError } from './state.js';

const messagesEl = $('messages');

// messageView builds one message; the body is filled by the caller.
export function messageView(role, msg = {}) {
  const body = el('div', { className: 'msg-body' });
  const meta = el('div', { className: 'msg-meta' });
  const root = el('article', {
    className: `msg msg-${role}`,
    attrs: { 'aria-label': role === 'user' ? 'You' : 'Assistant' },
    dataset: { role, id: msg.id ?? '' },
  }, el('div', { className: 'msg-role', text: role === 'user' ? 'You' : 'Assistant' }), body, meta);
  return { root, body, meta };
}

export function setMeta(view, msg) {
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

function emptyState() {
  return el('div', { className: 'empty-chat', attrs: { id: 'empty-chat' } },
    el('img', { attrs: { src: '/static/icons/logo.svg', alt: '', width: 56, height: 56 } }),
    el('p', { text: 'Ask anything. Answers stream in as they are written.' }));
}

// clearThread shows the empty thread of a new chat.
export function clearThread() {
  messagesEl.replaceChildren(emptyState());
  updateRegenerate();
}

// renderHistory shows a conversation's messages: text at once, then the
// answers' Markdown as the server renders it.
export async function renderHistory(messages) {
  const views = [];
  const nodes = [];
  for (const m of messages) {
    const view = messageView(m.role, m);
    view.body.textContent = m.content || '';
    if (m.role === 'assistant') views.push({ view, m });
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

// appendView adds a message at the end of the thread and scrolls to it.
export function appendView(view) {
  $('empty-chat')?.remove();
  messagesEl.append(view.root);
  scrollToBottom(true);
}

// removeView takes a message out again; an emptied thread shows the
// empty state.
export function removeView(view) {
  view.root.remove();
  if (!messagesEl.querySelector('.msg')) messagesEl.append(emptyState());
}

function nearBottom() {
  return messagesEl.scrollHeight - messagesEl.scrollTop - messagesEl.clientHeight < 80;
}

export function scrollToBottom(force) {
  if (force || nearBottom()) messagesEl.scrollTop = messagesEl.scrollHeight;
}

export function lastMessage(role) {
  const all = messagesEl.querySelectorAll(`.msg[data-role="${role}"]`);
  return all.length ? all[all.length - 1] : null;
}

export function isLast(node) {
  return node === messagesEl.querySelector('.msg:last-of-type');
}

// updateRegenerate offers Regenerate when an answer could be asked again:
// not while one streams, and only after a message of the user's.
export function updateRegenerate() {
  const last = messagesEl.querySelector('.msg:last-of-type');
  $('regenerate').hidden = state.busy || !state.current || !last || !lastMessage('user');
}

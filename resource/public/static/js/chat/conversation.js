// The open conversation: the header (title, model picker, actions), the
// address (/?c=id, with the browser's history), opening one, and starting
// a new chat.
import { api } from '../api.js';
import { $, el, errorText } from '../ui.js';
import { state, titleOf, showError } from './state.js';
import { markCurrent } from './sidebar.js';
import { renderHistory, clearThread } from './thread.js';

const modelEl = $('model');

export async function loadModels() {
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

// chosenModel is the picker's model: a new chat is created with it.
export const chosenModel = () => modelEl.value;

export function setCurrent(conv) {
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
  markCurrent(conv);
}

export function setURL(conv, push) {
  const url = conv ? `/?c=${conv.id}` : '/';
  if (location.pathname + location.search === url) return;
  if (push) history.pushState({ c: conv?.id ?? null }, '', url);
  else history.replaceState({ c: conv?.id ?? null }, '', url);
}

export async function openConversation(id, push) {
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

export function newChat(push) {
  if (state.busy) return;
  showError('');
  setCurrent(null);
  setURL(null, push);
  clearThread();
  $('prompt').focus();
}

// openAddressed shows what the address names: /?c=id or a new chat.
export async function openAddressed() {
  const id = Number(new URLSearchParams(location.search).get('c'));
  if (id) await openConversation(id, false);
  else newChat(false);
}

export function initConversation() {
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
  window.addEventListener('popstate', () => {
    if (!state.busy) openAddressed();
  });
}

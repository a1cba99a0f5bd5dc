// The conversation list: its pages, the open conversation marked, and the
// drawer that holds it on small screens.
import { api } from '../api.js';
import { $, el, errorText } from '../ui.js';
import { state, titleOf, showError } from './state.js';

const PAGE_SIZE = 30;

export async function loadConversations(reset = true) {
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

// addConv puts a conversation just created at the top of the list.
export function addConv(conv) {
  state.convs = [conv, ...state.convs.filter((c) => c.id !== conv.id)];
  state.total += 1;
  renderConvList();
}

export function renameConv(id, title) {
  const i = state.convs.findIndex((c) => c.id === id);
  if (i >= 0) state.convs[i] = { ...state.convs[i], title };
  renderConvList();
}

export function removeConv(id) {
  state.convs = state.convs.filter((c) => c.id !== id);
  state.total = Math.max(0, state.total - 1);
  renderConvList();
}

// markCurrent moves the list's mark to conv (none for a new chat).
export function markCurrent(conv) {
  for (const a of $('conv-list').querySelectorAll('a[data-id]')) {
    if (conv && Number(a.dataset.id) === conv.id) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

function closeSidebar() {
  $('sidebar').classList.remove('open');
  $('toggle-sidebar').setAttribute('aria-expanded', 'false');
}

// initSidebar wires the list: open(id) opens a conversation, startNew()
// begins a new chat.
export function initSidebar({ open, startNew }) {
  $('conv-list').addEventListener('click', (e) => {
    const a = e.target.closest('a[data-id]');
    if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault();
    if (state.busy) {
      showError('Wait for the answer to finish, or stop it, before switching conversations.');
      return;
    }
    open(Number(a.dataset.id));
    closeSidebar();
  });
  $('conv-more').addEventListener('click', () => loadConversations(false));
  $('new-chat').addEventListener('click', () => { startNew(); closeSidebar(); });
  $('toggle-sidebar').addEventListener('click', () => {
    const shown = $('sidebar').classList.toggle('open');
    $('toggle-sidebar').setAttribute('aria-expanded', String(shown));
  });
}

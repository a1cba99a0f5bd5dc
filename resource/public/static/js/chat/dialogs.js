// The open conversation's dialogs: rename (title and system prompt) and
// delete.
import { api } from '../api.js';
import { $, show, errorText, confirmDialog } from '../ui.js';
import { state, titleOf, showError } from './state.js';
import { renameConv, removeConv } from './sidebar.js';
import { setCurrent, newChat } from './conversation.js';

function openEdit() {
  if (!state.current) return;
  $('conv-title-input').value = state.current.title || '';
  $('conv-system-input').value = state.current.systemPrompt || '';
  show($('conv-form-error'), '');
  $('conv-dialog').showModal();
  $('conv-title-input').select();
}

async function saveEdit(e) {
  e.preventDefault(); // stay open until the server agreed
  const title = $('conv-title-input').value.trim();
  const systemPrompt = $('conv-system-input').value;
  try {
    const conv = await api('PATCH', `/conversations/${state.current.id}`, { title, systemPrompt });
    setCurrent({ ...state.current, ...(conv || { title, systemPrompt }) });
    renameConv(state.current.id, state.current.title);
    $('conv-dialog').close();
  } catch (err) {
    show($('conv-form-error'), errorText(err));
  }
}

async function deleteCurrent() {
  if (!state.current || state.busy) return;
  const conv = state.current;
  if (!(await confirmDialog(`Delete “${titleOf(conv)}” and all its messages? This cannot be undone.`, 'Delete'))) return;
  try {
    await api('DELETE', `/conversations/${conv.id}`);
    removeConv(conv.id);
    newChat(false);
  } catch (e) {
    showError(errorText(e));
  }
}

export function initDialogs() {
  $('edit-conv').addEventListener('click', openEdit);
  $('conv-cancel').addEventListener('click', () => $('conv-dialog').close());
  $('conv-form').addEventListener('submit', saveEdit);
  $('delete-conv').addEventListener('click', deleteCurrent);
}

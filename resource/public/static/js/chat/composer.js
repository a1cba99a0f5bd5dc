// The composer and the streamed reply: send a message, regenerate the last
// answer, stop. While a reply streams it is plain text (textContent); when
// it ends the server renders its Markdown (markdown.js).
import { api, apiStream, friendly, ApiError } from '../api.js';
import { renderMarkdown, setRendered } from '../markdown.js';
import { $, errorText, setBalance, refreshBalance } from '../ui.js';
import { state, showError } from './state.js';
import { addConv, loadConversations } from './sidebar.js';
import { chosenModel, setCurrent, setURL } from './conversation.js';
import {
  messageView, setMeta, appendView, removeView, scrollToBottom, lastMessage, isLast, updateRegenerate,
} from './thread.js';

const promptEl = $('prompt');

function setBusy(busy) {
  state.busy = busy;
  $('send').hidden = busy;
  $('stop').hidden = !busy;
  $('new-chat').disabled = busy;
  $('model').disabled = busy;
  updateRegenerate();
}

// The textarea grows with its text (CSSOM: allowed by the CSP).
function autosize() {
  promptEl.style.height = 'auto';
  promptEl.style.height = Math.min(promptEl.scrollHeight + 2, 14 * 16) + 'px';
}

async function ensureConversation() {
  if (state.current) return state.current;
  const conv = await api('POST', '/conversations', { model: chosenModel() || undefined });
  addConv(conv);
  setCurrent(conv);
  setURL(conv, true);
  return conv;
}

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
  const user = messageView('user');
  user.body.textContent = content;
  appendView(user);
  const ok = await stream(`/conversations/${conv.id}/messages`, { content }, user);
  if (!ok) {
    // Refused before the server stored anything: give the text back.
    removeView(user);
    promptEl.value = content;
    autosize();
  }
  loadConversations(true).then(() => {
    const fresh = state.convs.find((c) => c.id === conv.id);
    if (fresh && state.current?.id === fresh.id) setCurrent({ ...state.current, ...fresh });
  });
}

async function regenerate() {
  if (state.busy || !state.current) return;
  showError('');
  const old = lastMessage('assistant');
  const lastIsAssistant = old && isLast(old);
  if (lastIsAssistant) old.hidden = true;
  setBusy(true);
  const ok = await stream(`/conversations/${state.current.id}/regenerate`, {}, null);
  if (lastIsAssistant) {
    if (ok) old.remove();
    else old.hidden = false;
  }
}

// stream posts body to path and shows the answer as it arrives. It returns
// false when the request was refused before the server began an answer.
async function stream(path, body, userView) {
  const ctrl = new AbortController();
  state.controller = ctrl;
  setBusy(true);
  const view = messageView('assistant');
  view.body.classList.add('streaming');
  view.root.setAttribute('aria-busy', 'true');
  appendView(view);

  let text = '';
  let started = false;
  let done = null;
  let failure = null; // {status, message, refused}
  let usage = null;
  let stopped = false;

  try {
    await apiStream(path, body, (event, d) => {
      switch (event) {
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
    }, { signal: ctrl.signal });
  } catch (e) {
    if (e.name === 'AbortError') stopped = true;
    // The server refused the request. Without any answer (status 0) it
    // may still have stored the message, so that stays, marked failed.
    else if (e instanceof ApiError && e.status !== 0) failure = { status: e.status, message: e.message, refused: !started };
    else failure = { status: 0, message: started ? 'The connection was interrupted.' : friendly(0) };
  } finally {
    state.controller = null;
  }

  if (failure?.refused) {
    removeView(view);
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
    model: chosenModel(),
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

export function initComposer() {
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
  promptEl.addEventListener('input', autosize);
  $('regenerate').addEventListener('click', regenerate);
  $('stop').addEventListener('click', () => state.controller?.abort());
}

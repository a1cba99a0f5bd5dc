// What the chat page's modules share: the page state and the error line
// above the composer.
import { $, show } from '../ui.js';

export const state = {
  convs: [], // the loaded pages of the conversation list
  page: 0,
  total: 0,
  current: null, // the open conversation (ConversationView), null for a new chat
  models: [],
  defaultModel: '',
  busy: false, // a reply is being sent or streamed
  controller: null, // AbortController of the running stream
};

export const titleOf = (c) => (c && c.title && c.title.trim()) || 'New chat';

export function showError(message) {
  show($('chat-error-text'), message);
  $('chat-error').hidden = !message;
}

export function initErrors() {
  $('chat-error-close').addEventListener('click', () => showError(''));
}

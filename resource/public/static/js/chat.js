// The chat page. Its parts live in chat/: the conversation list
// (sidebar.js), the open conversation's header and address
// (conversation.js), the messages (thread.js), the composer and the
// streamed reply (composer.js), and the rename and delete dialogs
// (dialogs.js); state.js holds what they share.
//
// Safety rule: message text is only ever set with textContent. While a
// reply streams it is shown as plain text; when it is done the page asks
// the server to render and sanitise the Markdown, and only that HTML goes
// into innerHTML (markdown.js).
import { initTopbar } from './ui.js';
import { initErrors } from './chat/state.js';
import { initSidebar, loadConversations } from './chat/sidebar.js';
import { initConversation, loadModels, openConversation, newChat, openAddressed } from './chat/conversation.js';
import { initComposer } from './chat/composer.js';
import { initDialogs } from './chat/dialogs.js';

initTopbar();
initErrors();
initConversation();
initSidebar({ open: (id) => openConversation(id, true), startNew: () => newChat(true) });
initComposer();
initDialogs();

async function start() {
  await Promise.all([loadModels(), loadConversations(true)]);
  await openAddressed();
  document.body.dataset.ready = 'true';
}

start();

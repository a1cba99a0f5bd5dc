// Model output is untrusted: it is rendered and sanitised on the server
// (POST /api/v1/render/markdown) and only that HTML is put into the page.
import { api } from './api.js';
import { el } from './ui.js';

// The render endpoint's limits, put on <body> by the page.
const limits = document.body.dataset;
const MAX_ITEMS = Number(limits.renderMaxItems);
const MAX_BATCH_BYTES = Number(limits.renderBatchBytes);
const MAX_ITEM_BYTES = Number(limits.renderMaxItemBytes);

const encoder = new TextEncoder();

// renderMarkdown returns sanitised HTML for each source, in order,
// batching long histories into several requests.
export async function renderMarkdown(sources) {
  const out = new Array(sources.length).fill(null);
  let batch = [];
  let idx = [];
  let bytes = 0;
  const flush = async () => {
    if (!batch.length) return;
    const res = await api('POST', '/render/markdown', { items: batch });
    res.html.forEach((h, i) => { out[idx[i]] = h; });
    batch = [];
    idx = [];
    bytes = 0;
  };
  for (let i = 0; i < sources.length; i++) {
    const s = sources[i] || '';
    const n = encoder.encode(s).length;
    if (n > MAX_ITEM_BYTES) continue; // shown as plain text by the caller
    if (batch.length >= MAX_ITEMS || (bytes + n > MAX_BATCH_BYTES && batch.length)) await flush();
    batch.push(s);
    idx.push(i);
    bytes += n;
  }
  await flush();
  return out;
}

// setRendered puts server-sanitised HTML into node, or the source as text
// when there is none.
export function setRendered(node, html, source) {
  node.classList.remove('streaming');
  if (html === null || html === undefined) {
    node.classList.remove('markdown');
    node.textContent = source;
    return;
  }
  node.classList.add('markdown');
  node.innerHTML = html; // sanitised by the server (bluemonday), see above
  decorateCode(node);
}

// decorateCode adds a language label and a copy button above code blocks.
function decorateCode(root) {
  for (const pre of root.querySelectorAll('pre.chroma')) {
    const code = pre.querySelector('code');
    const lang = [...(code?.classList || [])].find((c) => c.startsWith('language-'))?.slice(9) || 'code';
    const copy = el('button', { className: 'btn btn-ghost', text: 'Copy', attrs: { type: 'button', 'aria-label': `Copy ${lang} code` } });
    copy.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(code ? code.textContent : pre.textContent);
        copy.textContent = 'Copied';
      } catch {
        copy.textContent = 'Copy failed';
      }
      setTimeout(() => { copy.textContent = 'Copy'; }, 1500);
    });
    pre.before(el('div', { className: 'code-head' }, el('span', { text: lang }), copy));
  }
}

// Renders /api.json (GoFrame's OpenAPI 3 document) as a plain reference:
// one table per tag, with request fields and their validation rules.
import { getJSON } from './api.js';
import { $, el, show } from './ui.js';

function schemaOf(doc, ref) {
  const name = (ref || '').split('/').pop();
  return (doc.components && doc.components.schemas && doc.components.schemas[name]) || {};
}

function fieldsOf(doc, op) {
  const fields = [];
  for (const p of op.parameters || []) {
    const prm = p.$ref ? schemaOf(doc, p.$ref) : p;
    fields.push({ name: prm.name, where: prm.in, type: (prm.schema && prm.schema.type) || '', rule: prm.description || '' });
  }
  const body = op.requestBody && op.requestBody.content && op.requestBody.content['application/json'];
  if (body && body.schema) {
    const s = body.schema.$ref ? schemaOf(doc, body.schema.$ref) : body.schema;
    for (const [name, prop] of Object.entries(s.properties || {})) {
      fields.push({ name, where: 'body', type: prop.type || '', rule: prop.description || '' });
    }
  }
  return fields;
}

async function load() {
  let doc;
  try {
    doc = await getJSON('/api.json', { on401: null });
  } catch (e) {
    show($('apidoc-error'), 'Could not load /api.json: ' + e.message);
    return;
  }
  const byTag = new Map();
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const [method, op] of Object.entries(item)) {
      if (typeof op !== 'object' || !op) continue;
      const tag = (op.tags && op.tags[0]) || 'Other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push({ method: method.toUpperCase(), path, op });
    }
  }
  const sections = [...byTag.keys()].sort().map((tag) => {
    const rows = byTag.get(tag)
      .sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method))
      .map(({ method, path, op }) => {
        const fields = fieldsOf(doc, op).map((f) =>
          el('li', {}, el('code', { text: f.name }), el('span', { text: ` (${f.where}${f.type ? ', ' + f.type : ''})${f.rule ? ' — ' + f.rule : ''}` })));
        return el('tr', {},
          el('td', {}, el('code', { text: method })),
          el('td', {}, el('code', { text: path })),
          el('td', { text: op.summary || '' }),
          el('td', {}, fields.length ? el('ul', { className: 'plain-list' }, ...fields) : el('span', { text: '–' })));
      });
    return el('section', { className: 'card' },
      el('h2', { text: tag }),
      el('div', { className: 'table-wrap' },
        el('table', { className: 'table' },
          el('thead', {}, el('tr', {}, el('th', { text: 'Method' }), el('th', { text: 'Path' }), el('th', { text: 'What it does' }), el('th', { text: 'Input' }))),
          el('tbody', {}, ...rows))));
  });
  $('apidoc').replaceChildren(...sections);
}

load();
